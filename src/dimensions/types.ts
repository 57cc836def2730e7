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
}

export interface BuildContext {
  seed: number;
  rng: Rng;
  /** The dimension's options from the config (validated there). */
  options: Record<string, unknown>;
  /** Present with --generator: writes new items from the metadata. */
  generator?: Generator;
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
}
