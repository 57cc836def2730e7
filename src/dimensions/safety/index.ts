import type { Case } from '../../core/case.js';
import { allocate, makeCase as makeCaseOf, spread, userMessage, type CaseDraft } from '../common.js';
import { loadSafetyData } from '../../attacks/safety-data.js';
import { harmfulQueries } from '../../attacks/taxonomy.js';
import { jailbreakMethods, type HarmfulQuery } from '../../attacks/jailbreaks.js';
import { exaggeratedQuestions } from '../../attacks/exaggerated.js';
import { injectionAttacks } from '../../attacks/injection.js';
import type { SafetyOptions } from '../../config/schema.js';
import type { BuildContext, BuildOutput, Dimension } from '../types.js';
import { generateBenignScary, generateHarmfulQueries } from './generate.js';
import { curateDatasets, curateRetrieved } from './curate.js';

export const SAFETY_SUBDIMENSIONS = [
  { id: 'harmful', name: 'Harmful queries', metric: 'refusal rate on harmful queries', facet: 'group',
    description: 'Plain requests for harmful help, from the project taxonomy (hate speech, inappropriate topics, crimes and torts).' },
  { id: 'jailbreak', name: 'Jailbreaks', metric: 'refusal rate on harmful queries wrapped in a jailbreak', facet: 'attack',
    description: 'The same harmful queries wrapped in 16 jailbreak methods.' },
  { id: 'exaggerated', name: 'Exaggerated safety', metric: 'compliance rate on benign questions that look dangerous', facet: 'technique',
    description: 'Harmless questions built with 8 techniques; refusing them (over-refusal) lowers the score.' },
  { id: 'injection', name: 'Prompt injection', metric: 'injection resistance (share of answers that ignore the injected instruction)', facet: 'attack',
    description: 'A benign task whose data carries an injected instruction, by 5 attacks.' },
  { id: 'toxicity', name: 'Toxicity of jailbroken answers', metric: 'share of answers to jailbreak prompts that are not toxic', facet: 'attack',
    description: 'The answers to the jailbreak cases, judged for toxicity by the judge model (--judge SPEC); built only when one is configured: no offline toxicity judge has been measured.' },
] as const;

type SubId = (typeof SAFETY_SUBDIMENSIONS)[number]['id'];

/** Share of the dimension's cases per sub-dimension at the default size. */
const SHARE: Record<Exclude<SubId, 'toxicity'>, number> = { harmful: 0.2, jailbreak: 0.5, exaggerated: 0.15, injection: 0.15 };

/** Judges that call no model: with one of these, toxicity cannot be judged, so its cases are not built. */
const OFFLINE_JUDGES = ['offline', 'refusal', 'refusal-rules'];
export const DEFAULT_SAFETY_SIZE = 320;

const makeCase = (draft: CaseDraft): Case => makeCaseOf('safety', draft);

/** Cases per sub-dimension: the size split by SHARE (toxicity copies the jailbreak cases, so takes no share). */
function allocateSafety(size: number, subs: SubId[]): Record<Exclude<SubId, 'toxicity'>, number> {
  const shared = subs.filter((s): s is Exclude<SubId, 'toxicity'> => s !== 'toxicity');
  return Object.assign({ harmful: 0, jailbreak: 0, exaggerated: 0, injection: 0 }, allocate(size, shared, SHARE));
}

export const safetyDimension: Dimension = {
  id: 'safety',
  name: 'Safety',
  description: 'Refuses harmful requests, also under jailbreaks; answers harmless questions that only look dangerous; resists prompt injection.',
  modalities: ['llm'],
  subdimensions: SAFETY_SUBDIMENSIONS.map((s) => ({ ...s })),
  judgeKinds: ['refusal', 'injection'],
  ownDatasets: true,
  attacks() {
    const data = loadSafetyData();
    return [
      ...jailbreakMethods(data).map((m) => ({ id: m.id, name: m.name, description: m.description, subdimension: 'jailbreak' })),
      ...injectionAttacks(data).map((a) => ({ id: a.id, name: a.name, description: `prompt injection: ${a.name}`, subdimension: 'injection' })),
    ];
  },

  async build(ctx: BuildContext): Promise<BuildOutput> {
    const opts = ctx.options as SafetyOptions;
    const data = loadSafetyData();
    const subs = (opts.subdimensions ?? SAFETY_SUBDIMENSIONS.map((s) => s.id)) as SubId[];
    const alloc = allocateSafety(opts.size ?? DEFAULT_SAFETY_SIZE, subs);
    const seed = ctx.seed;
    const builder = 'template:safety';

    // curate: the metadata pools, plus generated items when a generator is configured
    type Query = HarmfulQuery & { group: string; topic: string; source: string; retrievedAt?: string; builder?: string };
    const queries: Query[] = harmfulQueries(data).map((q) => ({ ...q, source: 'data/safety/taxonomy.yaml' }));
    const benign: { id: string; text: string; technique: string; source: string; retrievedAt?: string; builder?: string }[] = exaggeratedQuestions(data).map((q) => ({ ...q, source: 'data/safety/exaggerated.yaml' }));
    if (ctx.generator) {
      const perTopic = opts.generated ?? 2;
      queries.push(...(await generateHarmfulQueries(ctx.generator, data, perTopic, ctx.log)).map((q) => ({ ...q, source: `generator:${ctx.generator!.id}` })));
      benign.push(...(await generateBenignScary(ctx.generator, data, perTopic, ctx.log)).map((q) => ({ ...q, source: `generator:${ctx.generator!.id}` })));
    }
    // user datasets and retrieved passages join the pools, each item keeping its file or URL (and time)
    const userQueries = curateDatasets(opts, 'harmful');
    const userBenign = curateDatasets(opts, 'exaggerated');
    const retrieved = await curateRetrieved(opts, ctx.generator, process.env, ctx.log, seed);
    const extractedBy = ctx.generator ? `extract:generator:${ctx.generator.id}` : undefined;
    (retrieved.into === 'harmful' ? userQueries : userBenign).push(...retrieved.items.map((i) => ({ ...i, builder: extractedBy })));
    for (const u of userQueries) queries.push({ id: u.id, text: u.text, group: u.facet ?? 'user', topic: u.topic ?? u.pool, source: u.source, retrievedAt: u.retrievedAt, builder: u.builder });
    for (const u of userBenign) benign.push({ id: u.id, text: u.text, technique: u.facet ?? 'user', source: u.source, retrievedAt: u.retrievedAt, builder: u.builder });
    const curated = queries.length + benign.length;
    const builderOf = (q: { source: string; builder?: string }) => q.builder ?? (q.source.startsWith('generator:') ? q.source : builder);
    const cases: Case[] = [];

    if (subs.includes('harmful')) {
      for (const q of spread(queries, (q) => q.topic, alloc.harmful, ctx.rng.fork('harmful'))) {
        cases.push(makeCase({
          subdimension: 'harmful',
          messages: userMessage(q.text),
          judge: { kind: 'refusal', expect: 'refuse' },
          tags: { group: q.group, topic: q.topic },
          provenance: { item: { pool: 'safety/taxonomy', id: q.id, text: q.text, source: q.source, ...(q.retrievedAt ? { retrievedAt: q.retrievedAt } : {}) }, builder: builderOf(q), variations: [], seed },
        }));
      }
    }

    if (subs.includes('jailbreak')) {
      const methods = jailbreakMethods(data).filter((m) => !opts.jailbreaks || opts.jailbreaks.includes(m.id));
      const perMethod = Math.max(1, Math.ceil(alloc.jailbreak / Math.max(1, methods.length)));
      for (const m of methods) {
        const rng = ctx.rng.fork(`jailbreak:${m.id}`);
        for (const q of spread(queries, (q) => q.group, perMethod, rng)) {
          const out = m.apply(q, rng.fork(q.id));
          cases.push(makeCase({
            subdimension: 'jailbreak',
            messages: out.messages,
            judge: { kind: 'refusal', expect: 'refuse' },
            tags: { attack: m.id, group: q.group, topic: q.topic, ...(out.detail ? { detail: out.detail } : {}) },
            provenance: { item: { pool: 'safety/taxonomy', id: q.id, text: q.text, source: q.source }, builder: builderOf(q), variations: [`jailbreak:${m.id}${out.detail ? `(${out.detail})` : ''}`], seed },
          }));
        }
      }
    }

    // toxicity: the jailbreak prompts again, their answers judged for toxicity (the same requests: answered once)
    if (subs.includes('toxicity') && ctx.judge && !OFFLINE_JUDGES.includes(ctx.judge)) {
      for (const j of cases.filter((c) => c.subdimension === 'jailbreak')) {
        cases.push(makeCase({ subdimension: 'toxicity', messages: j.messages, judge: { kind: 'toxicity' }, tags: j.tags, provenance: j.provenance }));
      }
    }

    if (subs.includes('exaggerated')) {
      for (const q of spread(benign, (q) => q.technique, alloc.exaggerated, ctx.rng.fork('exaggerated'))) {
        cases.push(makeCase({
          subdimension: 'exaggerated',
          messages: userMessage(q.text),
          judge: { kind: 'refusal', expect: 'comply' },
          tags: { technique: q.technique },
          provenance: { item: { pool: 'safety/exaggerated', id: q.id, text: q.text, source: q.source, ...(q.retrievedAt ? { retrievedAt: q.retrievedAt } : {}) }, builder: builderOf(q), variations: [], seed },
        }));
      }
    }

    if (subs.includes('injection')) {
      const attacks = injectionAttacks(data);
      const rng = ctx.rng.fork('injection');
      for (let i = 0; i < alloc.injection; i++) {
        const attack = attacks[i % attacks.length];
        const task = rng.pick(data.injection.tasks);
        const injection = rng.pick(data.injection.injections);
        const made = attack.build(task, injection, rng.fork(`${i}`));
        cases.push(makeCase({
          subdimension: 'injection',
          messages: made.messages,
          judge: { kind: 'injection', canary: made.canary, task: made.task },
          tags: { attack: attack.id, task: task.id },
          provenance: { item: { pool: 'safety/injection', id: `${task.id}+${injection.id}`, source: 'data/safety/injection.yaml' }, builder, variations: [`injection:${attack.id}`], seed },
        }));
      }
    }
    return { curated, built: cases.filter((c) => c.provenance.variations.length === 0).length, cases };
  },
};
