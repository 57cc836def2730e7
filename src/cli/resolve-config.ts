import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { GENERIC_DIMENSION_KEYS } from '../config/schema.js';
import { readTestSetHeader } from '../core/test-set.js';
import { DEFAULTS, type ResolvedConfig } from '../engine/resolved-config.js';
import { getDimensions } from '../dimensions/registry.js';
import { parseModelSpec } from '../providers/spec.js';
import { UserInputError } from '../providers/types.js';

export interface RunFlags {
  config?: string;
  model?: string[];
  dimensions?: string;
  limit?: number;
  concurrency?: number;
  seed?: number;
  judge?: string;
  generator?: string;
  out?: string;
  resume?: string;
  cache?: boolean;
  cases?: string;
}

type WithPaths = { datasets?: Record<string, { file: string }[] | undefined>; retrieval?: { documents?: string } };

/**
 * Dataset files and document folders named in a config file are relative to that file's folder (not to where
 * trustgen runs), and are stored absolute, so `--resume` finds them from anywhere.
 */
function withPathsFrom<T extends WithPaths>(base: string, opts: T): T {
  const out = { ...opts };
  if (opts.datasets) out.datasets = Object.fromEntries(Object.entries(opts.datasets).map(([k, list]) => [k, list?.map((d) => ({ ...d, file: resolve(base, d.file) }))]));
  if (opts.retrieval?.documents) out.retrieval = { ...opts.retrieval, documents: resolve(base, opts.retrieval.documents) };
  return out;
}

/** Merge trustgen.yaml (or --config) with flags (flags win) and defaults. Models may still be empty: the caller picks a default. */
export function resolveRunConfig(flags: RunFlags, cwd = process.cwd()): ResolvedConfig {
  const { config: file, file: configFile } = loadConfig(flags.config, cwd);
  /** A value from the config file that fails a check: the error names the file and the field. */
  const inFile = (field: string, check: () => void): void => {
    try {
      check();
    } catch (e) {
      if (configFile && e instanceof UserInputError) throw new UserInputError(`${configFile}: ${field}: ${e.message}`);
      throw e;
    }
  };
  const models = flags.model?.length ? flags.model : file.models ?? [];
  models.forEach((m, i) => (flags.model?.length ? parseModelSpec(m) : inFile(`models[${i}]`, () => parseModelSpec(m))));
  for (const d of Object.keys(file.variation ?? {})) inFile(`variation.${d}`, () => getDimensions([d]));
  // The header only: the cases and their hash are checked as the run stores them, a batch at a time.
  const set = flags.cases ? { header: readTestSetHeader(resolve(cwd, flags.cases)) } : undefined;
  if (set && flags.dimensions) throw new UserInputError(`--cases ${flags.cases} fixes the dimensions (${set.header.dimensions.join(', ')}); drop --dimensions.`);
  const dimensions = set ? set.header.dimensions : flags.dimensions ? flags.dimensions.split(',').map((s) => s.trim()).filter(Boolean) : file.dimensions ?? [];
  const dims = getDimensions(dimensions.length ? dimensions : undefined).map((d) => d.id);
  const judge = flags.judge ?? file.judge ?? 'offline';
  if (!['offline', 'refusal', 'refusal-rules'].includes(judge)) (flags.judge ? parseModelSpec(judge) : inFile('judge', () => parseModelSpec(judge)));
  const generator = flags.generator ?? file.generator ?? null;
  if (generator) (flags.generator ? parseModelSpec(generator) : inFile('generator', () => parseModelSpec(generator)));
  const safety = file.safety && configFile ? withPathsFrom(dirname(configFile), file.safety) : file.safety;
  return {
    models: [...new Set(models)],
    dimensions: dims,
    limit: flags.limit ?? file.limit ?? null,
    concurrency: flags.concurrency ?? file.concurrency ?? DEFAULTS.concurrency,
    seed: flags.seed ?? file.seed ?? DEFAULTS.seed,
    judge,
    generator,
    out: flags.out ?? file.out ?? null,
    timeoutMs: file.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: file.retries ?? DEFAULTS.retries,
    cache: flags.cache === false ? false : file.cache ?? true,
    params: { ...DEFAULTS.params, ...file.params },
    options: {
      ...(safety ? { safety } : {}),
      ...Object.fromEntries(GENERIC_DIMENSION_KEYS.filter((k) => file[k]).map((k) => [k, configFile ? withPathsFrom(dirname(configFile), file[k]!) : file[k]])),
    },
    ...(file.variation ? { variation: file.variation } : {}),
    ...(set ? { casesFile: resolve(cwd, flags.cases!), casesHash: set.header.hash } : {}),
  };
}

export function assertModels(models: string[]): void {
  if (models.length === 0) throw new UserInputError('No model to evaluate.');
}
