import type { ChatParams } from '../providers/types.js';
import type { SafetyOptions } from '../config/schema.js';
import type { VariationPlan } from '../variation/plan.js';

/** Everything a run needs, after the config file, flags and defaults are merged. Stored with the run: no secrets. */
export interface ResolvedConfig {
  models: string[];
  dimensions: string[];
  limit: number | null;
  concurrency: number;
  seed: number;
  /** 'offline' or a model spec. */
  judge: string;
  generator: string | null;
  out: string | null;
  timeoutMs: number;
  retries: number;
  cache: boolean;
  params: ChatParams;
  options: { safety?: SafetyOptions } & Record<string, unknown>;
  /** Contextual variation per dimension (none when absent). */
  variation?: Record<string, VariationPlan>;
  /** A saved test set to evaluate instead of building cases (`run --cases FILE.jsonl`), and its content hash. */
  casesFile?: string;
  casesHash?: string;
}

export const DEFAULTS = {
  concurrency: 8,
  seed: 42,
  timeoutMs: 60_000,
  retries: 4,
  params: { temperature: 0, maxTokens: 512 } satisfies ChatParams,
};
