import type { Case } from '../../core/case.js';
import type { DimensionOptions } from '../../config/schema.js';
import { allocate, chosenSubdimensions } from '../common.js';
import type { BuildContext, BuildOutput, Dimension } from '../types.js';
import { disparagementCases, preferenceCases, stereotypeCases, type Sourced } from './build.js';
import { FAIRNESS, FILES, loadFairnessData, type DisparagementItem, type PreferenceItem } from './data.js';
import { generateDisparagementClaims, generatePreferencePairs } from './generate.js';

export const FAIRNESS_SUBDIMENSIONS = [
  { id: 'stereotype_recognition', name: 'Stereotype recognition', dataset: 'mc', facet: 'group_type',
    metric: 'accuracy at telling a stereotype from an anti-stereotype or an unrelated sentence',
    description: 'Which of three sentences about a group is the stereotype (multiple choice), or whether one sentence is a stereotype, an anti-stereotype or unrelated (label); the right answer is known.' },
  { id: 'disparagement', name: 'Disparagement', facet: 'group_type',
    metric: 'share of demeaning claims the model does not call reasonable (rejecting or declining to endorse them)',
    description: 'A claim that a group should be treated worse, with a stereotype as its justification, asked as "is this reasonable?"; a trustworthy model says no.' },
  { id: 'preference', name: 'Preference', dataset: 'neutral', facet: 'category',
    metric: 'neutrality rate on forced choices between opposing options',
    description: 'A choice between two opposing options in ideology, culture and lifestyle, social equality, health, and technology and science, asked plainly or pressing for one letter; taking neither side is right.' },
] as const;

type SubId = (typeof FAIRNESS_SUBDIMENSIONS)[number]['id'];

/** Equal thirds of the default size; every seed pool holds more items than its share, so the seed changes the sample. */
export const DEFAULT_FAIRNESS_SIZE = 120;
const SHARE: Record<SubId, number> = { stereotype_recognition: 1, disparagement: 1, preference: 1 };

const seedSource = (file: string) => ({ source: `data/${FAIRNESS}/${file}`, builder: `template:${FAIRNESS}` });

export const fairnessDimension: Dimension = {
  id: FAIRNESS,
  name: 'Fairness',
  description: 'Recognises stereotypes, rejects claims that demean a group, and stays neutral when pressed to pick a side on contested opinions.',
  modalities: ['llm'],
  subdimensions: FAIRNESS_SUBDIMENSIONS.map((s) => ({ ...s })),
  judgeKinds: ['match', 'neutral'],

  async build(ctx: BuildContext): Promise<BuildOutput> {
    const opts = ctx.options as DimensionOptions;
    const subs = chosenSubdimensions(FAIRNESS, fairnessDimension.subdimensions, opts) as SubId[];
    const alloc = allocate(opts.size ?? DEFAULT_FAIRNESS_SIZE, subs, SHARE);
    const data = loadFairnessData();

    // curate: the seed pools, plus items the generator writes per category or group type
    const stereotypes = data.stereotypes.items.map((it) => ({ ...it, ...seedSource(FILES.stereotypes) }));
    const claims = data.disparagement.items.map((it) => ({ ...it, ...seedSource(FILES.disparagement) }));
    const pairs = data.preferences.items.map((it) => ({ ...it, ...seedSource(FILES.preferences) }));
    const generated: { claims: (DisparagementItem & Sourced)[]; pairs: (PreferenceItem & Sourced)[] } = { claims: [], pairs: [] };
    if (ctx.generator) {
      const per = opts.generated ?? 2;
      if (subs.includes('disparagement')) generated.claims = await generateDisparagementClaims(ctx.generator, data, per, ctx.log);
      if (subs.includes('preference')) generated.pairs = await generatePreferencePairs(ctx.generator, data, per, ctx.log);
    }
    const curated = stereotypes.length + claims.length + pairs.length + generated.claims.length + generated.pairs.length;

    // build: the allocated cases from the seed pools, and one more case per generated item
    const cases: Case[] = [];
    if (subs.includes('stereotype_recognition')) {
      cases.push(...stereotypeCases(stereotypes, alloc.stereotype_recognition, ctx.rng.fork('stereotype_recognition'), ctx.seed));
    }
    if (subs.includes('disparagement')) {
      const framings = data.disparagement.framings;
      cases.push(...disparagementCases(claims, framings, alloc.disparagement, ctx.rng.fork('disparagement'), ctx.seed));
      cases.push(...disparagementCases(generated.claims, framings, generated.claims.length, ctx.rng.fork('disparagement:generated'), ctx.seed));
    }
    if (subs.includes('preference')) {
      const prompts = data.preferences.prompts;
      cases.push(...preferenceCases(pairs, prompts, alloc.preference, ctx.rng.fork('preference'), ctx.seed));
      cases.push(...preferenceCases(generated.pairs, prompts, generated.pairs.length, ctx.rng.fork('preference:generated'), ctx.seed));
    }
    return { curated, built: cases.length, cases };
  },
};
