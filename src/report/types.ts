/** The shape of results.json: the contract other tools read. Keep fields additive. */
export interface MetricResult {
  /** 0-100, higher is more trustworthy; null when no case could be scored. */
  value: number | null;
  /** Cases that counted toward the value (errors excluded). */
  n: number;
  /** Cases whose model call failed: never counted as a pass or a refusal. */
  errors: number;
  /** 95% Wilson interval on the value, 0-100. */
  ci95: [number, number] | null;
  /** What the number is, e.g. 'refusal rate on harmful queries'. */
  metric: string;
  /** How it is computed: 'pass-rate' (cases), or over base/variant pairs: 'agreement', 'kept-correct'. */
  kind?: 'pass-rate' | 'agreement' | 'kept-correct';
  /** kept-correct: pairs left out because the base answer was not correct. */
  excluded?: number;
}

export interface SubdimensionResult extends MetricResult {
  /** Per-facet breakdown, e.g. { attack: { base64: {...}, ... } }. */
  breakdown?: Record<string, Record<string, MetricResult>>;
}

export interface DimensionResult {
  score: number | null;
  /** 95% interval of the score: the sub-dimension intervals combined for their mean (MOVER, square-and-add). */
  ci95?: [number, number] | null;
  n: number;
  errors: number;
  subdimensions: Record<string, SubdimensionResult>;
}

export interface FailureExample {
  caseId: string;
  dimension: string;
  subdimension: string;
  tags: Record<string, string>;
  variations: string[];
  prompt: string;
  response: string;
  finishReason: string;
  label: string;
  reason: string;
}

export interface RunMeta {
  /** Which kind of model the run evaluated: picks the leaderboard shown beside it. */
  kind: 'llm' | 'vlm' | 't2i';
  models: string[];
  dimensions: string[];
  judge: string;
  generator: string | null;
  seed: number;
  /** --limit: at most this many cases per dimension and model (null: no cap). */
  limit: number | null;
  trustgenVersion: string;
  nodeVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  calls: { total: number; cached: number; errors: number; policyBlocks: number };
  tokens: { input: number; output: number };
  /** Tokens per model under test (cached responses counted apart), for the cost line. */
  tokensByModel?: Record<string, { input: number; output: number; cachedInput: number; cachedOutput: number }>;
  harness?: { cpuMs: number; peakRssMb: number };
}

export interface ResultsDoc {
  runId: string;
  status: 'complete' | 'complete_with_errors' | 'interrupted';
  /** { "<model spec>": { "<dimension>": 0-100, ..., "overall": 0-100 } } */
  scores: Record<string, Record<string, number | null>>;
  /** { "<model spec>": { "<dimension>": DimensionResult } } */
  details: Record<string, Record<string, DimensionResult>>;
  failures: Record<string, FailureExample[]>;
  /** { "<model spec>": the overall score with its 95% interval (the dimension intervals combined for their mean) } */
  overall?: Record<string, { score: number | null; ci95: [number, number] | null }>;
  meta: RunMeta;
}
