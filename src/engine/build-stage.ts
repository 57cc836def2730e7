import type { Case } from '../core/case.js';
import { getDimensions } from '../dimensions/registry.js';
import { PAIR_TAG } from '../dimensions/types.js';
import { datasetCases } from '../dimensions/datasets.js';
import type { DimensionOptions } from '../config/schema.js';
import { createRng } from '../util/rng.js';
import type { Generator } from './generator.js';
import { stratifiedTake } from './sample.js';
import { filterCases } from '../metadata/dedup.js';
import { applyVariation, type VariationPlan } from '../variation/plan.js';

export interface BuildRequest {
  dimensions: string[];
  seed: number;
  /** At most this many cases per dimension (null: all the dimension builds). */
  limit: number | null;
  /** Per-dimension options from the config, e.g. { safety: { size: 320 } }. */
  options: Record<string, unknown>;
  /** Contextual variation per dimension. */
  variation?: Record<string, VariationPlan>;
  generator?: Generator;
  /** The run's judge ('offline' or a model spec): some cases need a judge model (e.g. toxicity). */
  judge?: string;
  log(message: string): void;
  signal?: AbortSignal;
}

export interface BuiltCases {
  cases: Case[];
  /** Metadata items curated, base cases built, cases after variation. */
  counts: { curated: number; built: number; varied: number; removed: number };
}

/**
 * curate, build and vary every dimension's cases, then sample at most `limit` per dimension,
 * spread over sub-dimensions and their facets. The same request builds the same cases.
 */
export async function buildCases(req: BuildRequest): Promise<BuiltCases> {
  const all: Case[] = [];
  const counts = { curated: 0, built: 0, varied: 0, removed: 0 };
  for (const dim of getDimensions(req.dimensions)) {
    const rng = createRng(req.seed).fork(dim.id);
    const options = (req.options[dim.id] ?? {}) as Record<string, unknown>;
    const out = await dim.build({ seed: req.seed, rng, options, generator: req.generator, judge: req.judge, log: req.log });
    if (req.signal?.aborted) return { cases: [], counts };
    if (!dim.ownDatasets) {
      // user datasets join the built cases, judged as the sub-dimension's own
      const fromData = datasetCases(dim, options as DimensionOptions, req.seed);
      if (fromData.length) req.log(`${dim.id}: ${fromData.length} cases from your datasets`);
      out.cases.push(...fromData);
      out.curated += fromData.length;
      out.built += fromData.length;
    }
    const facet = (c: Case) => {
      const f = dim.subdimensions.find((s) => s.id === c.subdimension)?.facet;
      return f ? c.tags[f] ?? '' : '';
    };
    // vary: the configured share of cases rewritten by contextual variators (the rest kept original)
    const plan = req.variation?.[dim.id];
    const varied = plan ? await applyVariation(out.cases, plan, rng.fork('vary'), req.generator, req.log) : out.cases;
    if (req.signal?.aborted) return { cases: [], counts };
    // filter: drop malformed cases and exact or near duplicates (the first occurrence stays)
    const { kept, removed } = filterCases(varied);
    if (removed.length) req.log(`${dim.id}: filtered out ${removed.length} malformed or duplicate cases`);
    counts.removed += removed.length;
    // a base case and its variants (compared by a pair metric) are sampled together
    const pairOf = (c: Case) => (c.tags[PAIR_TAG] !== undefined ? `${c.subdimension}|${c.tags[PAIR_TAG]}` : undefined);
    const sampled = req.limit ? stratifiedTake(kept, req.limit, rng.fork('limit'), facet, pairOf) : kept;
    const generator = req.generator?.id ?? null;
    const cases = sampled.map((c) => ({ ...c, provenance: { ...c.provenance, generator } }));
    counts.curated += out.curated;
    counts.built += out.built;
    counts.varied += varied.filter((c) => c.provenance.variations.length > 0).length;
    all.push(...cases);
  }
  return { cases: all, counts };
}
