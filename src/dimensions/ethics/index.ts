import type { Case } from '../../core/case.js';
import type { DimensionOptions } from '../../config/schema.js';
import { allocate, chosenSubdimensions, spread } from '../common.js';
import type { BuildContext, BuildOutput, Dimension } from '../types.js';
import { actionCases, customCases, moralChoiceCases, normCases, theoryCases, type Origin, type Sourced, type TheoryItem } from './build.js';
import { loadEthicsData, type EthicsData } from './data.js';
import { emptyPools, generateEthicsItems, type EthicsPools } from './generate.js';

export const ETHICS_SUBDIMENSIONS = [
  { id: 'action_judgement', name: 'Action judgement', metric: 'accuracy of GOOD / NEUTRAL / BAD labels for everyday actions', facet: 'verdict',
    description: 'An everyday action with a clear-cut moral label (good, neutral or bad); the model answers with the label.' },
  { id: 'moral_choice', name: 'Moral choice', dataset: 'mc', metric: 'accuracy: share of scenarios where the moral option is chosen', facet: 'setting',
    description: 'A short scenario with two options, one clearly the moral one (family, work, school, community, money, online); option order balanced.' },
  { id: 'ethical_theories', name: 'Ethical theories', metric: 'accuracy over deontology, justice, virtue and utilitarianism items', facet: 'theory',
    description: 'Deontology (is the excuse for not doing a duty reasonable? true/false), justice (is the claim of desert or treatment reasonable? true/false), virtue (which trait does the behaviour show? 4 options), utilitarianism (which of two situations is more pleasant? 2 options).' },
  { id: 'social_norms', name: 'Social norms', metric: 'accuracy of ACCEPTABLE / UNACCEPTABLE labels for behaviour in a social setting', facet: 'setting',
    description: 'Behaviour in a social setting (dining, transport, work, ceremonies, public places, as a guest, shopping, online) that nearly every culture judges the same way.' },
  { id: 'cultural_knowledge', name: 'Cultural knowledge', dataset: 'mc', metric: 'accuracy on documented customs and etiquette (4 options)', facet: 'region',
    description: 'Documented customs and etiquette of cultures in eight regions, asked factually and respectfully, with one right option among four.' },
] as const;

type SubId = (typeof ETHICS_SUBDIMENSIONS)[number]['id'];

/** Every sub-dimension gets an equal share of the cases. */
const SHARE: Record<SubId, number> = { action_judgement: 1, moral_choice: 1, ethical_theories: 1, social_norms: 1, cultural_knowledge: 1 };
export const DEFAULT_ETHICS_SIZE = 150;
const TEMPLATE = 'template:ethics';

const seedOrigin = (pool: string, file: string): Origin => ({ pool: `ethics/${pool}`, source: `data/ethics/${file}`, builder: TEMPLATE });

/** The built-in items of each sub-dimension, each with its origin. */
export function seedPools(data: EthicsData): EthicsPools {
  const wrap = <T extends { id: string }>(items: T[], origin: Origin): Sourced<T>[] => items.map((item) => ({ item, origin }));
  const th = data.theories;
  const theories: TheoryItem[] = [
    ...th.deontology.map((item) => ({ id: `deontology/${item.id}`, theory: 'deontology' as const, item })),
    ...th.justice.map((item) => ({ id: `justice/${item.id}`, theory: 'justice' as const, item })),
    ...th.virtue.map((item) => ({ id: `virtue/${item.id}`, theory: 'virtue' as const, item })),
    ...th.utilitarianism.map((item) => ({ id: `utilitarianism/${item.id}`, theory: 'utilitarianism' as const, item })),
  ];
  return {
    action_judgement: wrap(data.actions, seedOrigin('actions', 'actions.yaml')),
    moral_choice: wrap(data.choices, seedOrigin('moral-choices', 'moral-choices.yaml')),
    ethical_theories: wrap(theories, seedOrigin('theories', 'theories.yaml')),
    social_norms: wrap(data.norms, seedOrigin('social-norms', 'social-norms.yaml')),
    cultural_knowledge: wrap(data.customs, seedOrigin('cultural', 'cultural.yaml')),
  };
}

/** The seed group each sub-dimension's draw is spread over, so every label, setting, theory and region shows up. */
const GROUP: { [S in SubId]: (s: EthicsPools[S][number]) => string } = {
  action_judgement: (s) => s.item.label,
  moral_choice: (s) => s.item.setting,
  ethical_theories: (s) => s.item.theory,
  social_norms: (s) => `${s.item.label}/${s.item.setting}`,
  cultural_knowledge: (s) => s.item.region,
};

export const ethicsDimension: Dimension = {
  id: 'ethics',
  name: 'Machine ethics',
  description: 'Moral judgement with known answers: labels for everyday actions, moral choices, four ethical theories, social norms and documented cultural customs.',
  modalities: ['llm'],
  subdimensions: ETHICS_SUBDIMENSIONS.map((s) => ({ ...s })),
  judgeKinds: ['match'],

  async build(ctx: BuildContext): Promise<BuildOutput> {
    const opts = ctx.options as DimensionOptions;
    const subs = chosenSubdimensions('ethics', ETHICS_SUBDIMENSIONS, opts) as SubId[];
    const alloc = allocate(opts.size ?? DEFAULT_ETHICS_SIZE, subs, SHARE);
    const data = loadEthicsData();
    const seeds = seedPools(data);
    // with a generator, its items come on top of the seed draw: more cases with --generator
    const generated = ctx.generator ? await generateEthicsItems(ctx.generator, data, subs, opts.generated ?? 2, ctx.log) : emptyPools();
    const pick = <S extends SubId>(s: S): EthicsPools[S] =>
      [...spread(seeds[s] as EthicsPools[S][number][], GROUP[s] as (x: EthicsPools[S][number]) => string, alloc[s], ctx.rng.fork(s)), ...generated[s]] as EthicsPools[S];
    const order = (s: SubId) => ctx.rng.fork(`${s}:options`);
    const seed = ctx.seed;
    const cases: Case[] = [];
    for (const s of subs) {
      switch (s) {
        case 'action_judgement': cases.push(...actionCases(pick(s), seed)); break;
        case 'moral_choice': cases.push(...moralChoiceCases(pick(s), seed, order(s))); break;
        case 'ethical_theories': cases.push(...theoryCases(pick(s), seed, order(s))); break;
        case 'social_norms': cases.push(...normCases(pick(s), seed)); break;
        case 'cultural_knowledge': cases.push(...customCases(pick(s), seed, order(s))); break;
      }
    }
    const curated = subs.reduce((n, s) => n + seeds[s].length + generated[s].length, 0);
    return { curated, built: cases.length, cases };
  },
};
