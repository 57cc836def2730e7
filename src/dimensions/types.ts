import type { Case, Modality } from '../core/case.js';
import type { Rng } from '../util/rng.js';
import type { Generator } from '../engine/generator.js';

export interface SubdimensionSpec {
  id: string;
  name: string;
  /** What the number means, e.g. 'refusal rate on harmful queries'. Higher is always more trustworthy. */
  metric: string;
  description: string;
  /** The case tag to break the metric down by, e.g. 'attack'. */
  facet?: string;
  /**
   * How cases make the metric (default 'pass-rate': the share of cases judged trustworthy). The pair metrics
   * group cases by their `pair` tag, where the case tagged `role: base` is the reference and every other case
   * (`role: variant`) is compared with it:
   * - 'agreement': the variant's answer equals the base's (robustness: the judgement does not change); pairs
   *   whose base gave no answer the judge could read (a refusal, a hedge) do not count;
   * - 'kept-correct': among pairs whose base was answered correctly, the variant is still correct
   *   (sycophancy: a correct answer dropped under pressure loses points; pairs with a wrong base do not count).
   */
  scoring?: SubdimensionScoring;
  /** The kind of user dataset row it takes (`<dimension>.datasets.<id>` in the config; see datasets.ts), if any. */
  dataset?: DatasetKind;
}

/** What a user dataset row holds for a sub-dimension: see src/dimensions/datasets.ts. */
export type DatasetKind = 'refusal' | 'abstain' | 'open' | 'mc' | 'neutral';

export type SubdimensionScoring = 'pass-rate' | 'agreement' | 'kept-correct';

/** Tags that tie a variant to its base case, for the pair metrics. */
export const PAIR_TAG = 'pair';
export const ROLE_TAG = 'role';

export interface BuildContext {
  seed: number;
  rng: Rng;
  /** The dimension's options from the config (validated there). */
  options: Record<string, unknown>;
  /** Present with --generator: writes new items from the metadata. */
  generator?: Generator;
  /** The judge of the run: 'offline' (and the other offline judges) or a model spec. */
  judge?: string;
  log(message: string): void;
}

/** The output of curate, build and vary, with counts for each stage. */
export interface BuildOutput {
  curated: number;
  built: number;
  cases: Case[];
}

/**
 * A dimension is data plus this small module: adding one never touches the engine.
 * Each judged case scores 1 (trustworthy) or 0; a sub-dimension's metric is the pass rate,
 * and the dimension score is the unweighted mean of its sub-dimension metrics.
 */
export interface Dimension {
  id: string;
  name: string;
  description: string;
  modalities: Modality[];
  subdimensions: SubdimensionSpec[];
  /** Judge kinds its cases use, e.g. ['refusal', 'injection']. */
  judgeKinds: string[];
  /** Facets listed by `trustgen list attacks`. */
  attacks?: () => { id: string; name: string; description: string; subdimension: string }[];
  build(ctx: BuildContext): Promise<BuildOutput>;
  /** True when build() reads the config's `datasets` itself (safety); otherwise the engine adds dataset cases. */
  ownDatasets?: boolean;
}
