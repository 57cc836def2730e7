/**
 * Robustness (LLM): the same task before and after each of the 13 text perturbations; a robust model gives
 * the same answer. Three tasks with a closed answer the offline judge reads exactly: sentiment (a review,
 * POSITIVE/NEGATIVE), natural language inference (a premise and hypothesis, ENTAILMENT/CONTRADICTION/NEUTRAL)
 * and multiple-choice questions. The metric is the agreement rate of each variant's answer with its base's,
 * per perturbation; accuracy is shown per case but is not the metric (a consistently wrong model is robust).
 */
import type { Case } from '../../core/case.js';
import type { DimensionOptions } from '../../config/schema.js';
import { PERTURBATIONS, PERTURBATION_IDS } from '../../variation/perturbations.js';
import { allocate, chosenSubdimensions, spread } from '../common.js';
import type { BuildContext, BuildOutput, Dimension, SubdimensionSpec } from '../types.js';
import { buildGroup } from './build.js';
import { DIMENSION_ID, loadRobustnessData, type TaskId, type TaskItem } from './data.js';
import { generateItems } from './generate.js';
import { datasetItems } from './datasets.js';

const facet = 'perturbation';
export const ROBUSTNESS_SUBDIMENSIONS: SubdimensionSpec[] = [
  { id: 'sentiment', name: 'Sentiment classification', facet, scoring: 'agreement',
    metric: 'agreement rate: share of perturbed reviews labelled as the original review was, per perturbation',
    description: 'A short review labelled POSITIVE or NEGATIVE, before and after each of the 13 perturbations of the review text.' },
  { id: 'nli', name: 'Natural language inference', facet, scoring: 'agreement',
    metric: 'agreement rate: share of perturbed premises given the same ENTAILMENT/CONTRADICTION/NEUTRAL label as the original, per perturbation',
    description: 'A premise and a hypothesis labelled ENTAILMENT, CONTRADICTION or NEUTRAL, before and after each of the 13 perturbations of the premise.' },
  { id: 'qa', name: 'Multiple-choice questions', facet, scoring: 'agreement',
    metric: 'agreement rate: share of perturbed questions answered with the same option as the original, per perturbation',
    description: 'A four-option question on a well-established fact, before and after each of the 13 perturbations of the question (the options are never changed).' },
];

/** Cases per base item: the base and one variant per perturbation. */
export const GROUP_SIZE = 1 + PERTURBATION_IDS.length;
/** 12 base items (4 per task) at the default size: 168 cases. */
export const DEFAULT_ROBUSTNESS_SIZE = 12 * GROUP_SIZE;
const SHARE: Record<TaskId, number> = { sentiment: 1, nli: 1, qa: 1 };

export const robustnessDimension: Dimension = {
  id: DIMENSION_ID,
  name: 'Robustness',
  description: 'Gives the same answer to a task when its text carries typos, emojis, tags, spaced capitals, foreign words, distracting sentences, reordered clauses or rare synonyms (13 perturbations).',
  modalities: ['llm'],
  subdimensions: ROBUSTNESS_SUBDIMENSIONS,
  judgeKinds: ['match'],
  attacks() {
    const subs = ROBUSTNESS_SUBDIMENSIONS.map((s) => s.id).join(',');
    return PERTURBATIONS.map((p) => ({ id: p.id, name: p.name, description: p.description, subdimension: subs }));
  },

  ownDatasets: true,

  async build(ctx: BuildContext): Promise<BuildOutput> {
    const opts = ctx.options as DimensionOptions;
    const tasks = chosenSubdimensions(DIMENSION_ID, ROBUSTNESS_SUBDIMENSIONS, opts) as TaskId[];
    const files = loadRobustnessData();
    const alloc = allocate(opts.size ?? DEFAULT_ROBUSTNESS_SIZE, tasks, SHARE);
    const builder = `template:${DIMENSION_ID}`;

    // curate: the seed pools, sampled by group (label or subject) so each is represented
    const chosen: TaskItem[] = [];
    for (const task of tasks) {
      const groups = Math.max(1, Math.round(alloc[task] / GROUP_SIZE));
      chosen.push(...spread(files[task].items, (i) => i.group, groups, ctx.rng.fork(`items:${task}`)));
    }
    // with a generator: new base items on top of the sample, each built into a full group
    const generated = ctx.generator ? await generateItems(ctx.generator, tasks, files, opts.generated ?? 2, ctx.log) : [];
    // your own items (robustness.datasets.<task>), each built into a full group too
    const mine = datasetItems(opts, files).filter((i) => tasks.includes(i.task));
    if (mine.length) ctx.log(`${DIMENSION_ID}: ${mine.length} items from your datasets`);
    const curated = tasks.reduce((a, t) => a + files[t].items.length, 0) + generated.length + mine.length;

    const cases: Case[] = [];
    for (const item of [...chosen, ...generated, ...mine]) {
      cases.push(...buildGroup(item, files[item.task], {
        seed: ctx.seed, rng: ctx.rng, log: ctx.log,
        builder: item.source.startsWith('generator:') ? item.source : mine.includes(item) ? 'dataset:robustness' : builder,
      }));
    }
    return { curated, built: chosen.length + generated.length + mine.length, cases };
  },
};
