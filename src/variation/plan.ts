/**
 * Apply a variation plan to a set of cases: each case is kept as it is (a share `keepOriginal`, drawn
 * by the rng) or replaced by one variation, chosen by the rng among the plan's variators that apply
 * to it. Reproducible: the same cases, plan, seed and generator answers give the same output.
 */
import { z } from 'zod';
import type { Case } from '../core/case.js';
import { RunAborted } from '../engine/caller.js';
import type { Generator } from '../engine/generator.js';
import { runPool } from '../engine/pool.js';
import type { Rng } from '../util/rng.js';
import { createTranslationVariator } from './contextual.js';
import { variationData } from './data.js';
import type { Variator } from './types.js';
import { VARIATOR_GROUPS, VARIATOR_IDS, expandVariatorIds, getVariator, unknownVariatorIds } from './variators.js';

export interface VariationPlan {
  /** Share of cases kept unchanged, 0-1 (default 0.5). */
  keepOriginal: number;
  /** Variator ids (or the shorthands "*", "perturb:*", "format:*"). */
  variators: string[];
  /** Languages for the translation variator (default fr, es, de, zh). */
  languages?: string[];
}

export const DEFAULT_KEEP_ORIGINAL = 0.5;

/** A plan as written in a config file: `variation: { <dimension>: { keepOriginal, variators, languages? } }`. */
export const VariationPlanSchema = z.object({
  keepOriginal: z.number().min(0).max(1).default(DEFAULT_KEEP_ORIGINAL),
  variators: z.array(z.string()).min(1).superRefine((ids, ctx) => {
    const unknown = unknownVariatorIds(ids);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown variator(s) ${unknown.map((u) => `"${u}"`).join(', ')}; valid ids: ${VARIATOR_IDS.join(', ')} (or ${Object.keys(VARIATOR_GROUPS).join(', ')})`,
      });
    }
  }),
  languages: z.array(z.string()).min(1).optional().superRefine((langs, ctx) => {
    const known = Object.keys(variationData().languages);
    const unknown = (langs ?? []).filter((l) => !known.includes(l));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown language(s) ${unknown.join(', ')}; known: ${known.join(', ')}` });
  }),
}).strict();

/** The `variation:` section of a config: a plan per dimension id. */
export const VariationConfigSchema = z.record(z.string(), VariationPlanSchema);

/** Cases varied at once (generator calls are also bounded by the caller's own limiter). */
const CONCURRENCY = 16;

/** The plan's variators, built once (a translation variator with the plan's languages). */
export function planVariators(plan: Pick<VariationPlan, 'variators' | 'languages'>): Variator[] {
  return expandVariatorIds(plan.variators).map((id) => (id === 'translation' && plan.languages ? createTranslationVariator(plan.languages) : getVariator(id)));
}

export async function applyVariation(cases: Case[], plan: VariationPlan, rng: Rng, generator?: Generator, log: (m: string) => void = () => {}): Promise<Case[]> {
  const all = planVariators(plan);
  const usable = generator ? all : all.filter((v) => !v.needsGenerator);
  const skipped = all.filter((v) => !usable.includes(v)).map((v) => v.id);
  if (skipped.length > 0) log(`variation: no generator model configured, so ${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} skipped`);
  const keep = Math.min(1, Math.max(0, plan.keepOriginal ?? DEFAULT_KEEP_ORIGINAL));
  // Every draw from the shared rng happens here, in input order, before any (concurrent) variation.
  const toVary: { index: number; rng: Rng }[] = [];
  cases.forEach((c, index) => {
    if (rng.next() >= keep) toVary.push({ index, rng: rng.fork(`vary#${index}:${c.id}`) });
  });
  const out = cases.slice();
  if (usable.length === 0) return out;
  let failures = 0;
  let firstFailure = '';
  let unvaried = 0;
  let k = 0;
  await runPool(() => toVary[k++], CONCURRENCY, async ({ index, rng: caseRng }) => {
    const c = cases[index];
    for (const v of caseRng.shuffle(usable)) {
      try {
        const varied = await v.apply(c, caseRng.fork(v.id), generator);
        if (varied) {
          out[index] = varied;
          return;
        }
      } catch (e) {
        if (e instanceof RunAborted) throw e;
        failures++;
        if (!firstFailure) firstFailure = `${v.id} on case ${c.id}: ${(e as Error).message}`;
      }
    }
    unvaried++;
  });
  if (failures > 0) log(`variation: ${failures} variator call(s) failed; another variator was tried instead (first failure: ${firstFailure})`);
  if (unvaried > 0) log(`variation: ${unvaried} case(s) drawn for variation kept their original form (no variator applied)`);
  return out;
}
