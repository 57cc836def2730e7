/**
 * Builders of the hallucination, fact-checking and honesty cases: one case per seed item, items spread over
 * topics (or categories) by the rng so another seed draws another sample.
 */
import type { Case } from '../../core/case.js';
import type { Rng } from '../../util/rng.js';
import { makeCase, spread, userMessage } from '../common.js';
import { DIMENSION_ID, FILES } from './data.js';
import type { HonestyQuestion } from './generate.js';
import { FACT_LABELS, MC_INSTRUCTION, factCheck, letterOf, multipleChoice, openQuestion, optionsWithAnswerAt, questionWithContext, type FactLabel } from './prompts.js';

/** A question with a reference answer: from data/truthfulness/qa.yaml or written by the generator. */
export interface QaSeed {
  id: string;
  topic: string;
  question: string;
  answer: string;
  aliases: string[];
  context: string;
  /** Wrong options; only items that have them can be asked as multiple choice. */
  distractors?: string[];
  source: string;
  /** When the item was read from a document folder or the web (retrieved items only). */
  retrievedAt?: string;
  builder: string;
}

/** One claim about an evidence passage; claims of the same passage share `passage`. */
export interface ClaimSeed {
  id: string;
  passage: string;
  topic: string;
  evidence: string;
  claim: string;
  label: FactLabel;
  source: string;
  builder: string;
}

export const HALLUCINATION_SETTINGS = ['no_context', 'context', 'multiple_choice'] as const;
export type HallucinationSetting = (typeof HALLUCINATION_SETTINGS)[number];

/** Written for this run: by the generator, or extracted by it from retrieved passages. */
const isGenerated = (x: { builder: string }) => x.builder.startsWith('generator:') || x.builder.startsWith('extract:');

/** Generated items first (they were written for this run), then the seed items spread over topics. */
function generatedFirst<T extends { topic: string; builder: string }>(items: T[], rng: Rng): T[] {
  return [...rng.shuffle(items.filter(isGenerated)), ...spread(items.filter((i) => !isGenerated(i)), (i) => i.topic, items.length, rng)];
}

/** Split n over k parts as evenly as possible, the first parts taking the remainder. */
export function evenSplit(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

function qaCase(item: QaSeed, setting: HallucinationSetting, rng: Rng, seed: number, position = 0): Case {
  const provenance = { item: { pool: `${DIMENSION_ID}/qa`, id: item.id, text: item.question, source: item.source, ...(item.retrievedAt ? { retrievedAt: item.retrievedAt } : {}) }, builder: item.builder, variations: [], seed };
  const tags = { setting, topic: item.topic };
  if (setting === 'multiple_choice') {
    const choices = optionsWithAnswerAt(item.answer, item.distractors ?? [], position, rng);
    return makeCase(DIMENSION_ID, {
      subdimension: 'hallucination',
      messages: userMessage(`${multipleChoice(item.question, choices)}\n\n${MC_INSTRUCTION}`),
      judge: { kind: 'match' },
      expected: { format: 'mc', answer: letterOf(choices.indexOf(item.answer)), choices },
      tags, provenance,
    });
  }
  return makeCase(DIMENSION_ID, {
    subdimension: 'hallucination',
    messages: userMessage(setting === 'context' ? questionWithContext(item.question, item.context) : openQuestion(item.question)),
    judge: { kind: 'match' },
    expected: { format: 'open', answer: item.answer, ...(item.aliases.length ? { aliases: item.aliases } : {}) },
    tags, provenance,
  });
}

/**
 * `n` hallucination cases, split evenly over the three settings; no question is asked in two settings.
 * Multiple choice takes items that have distractors; the other settings take the rest.
 */
export function buildHallucination(items: QaSeed[], n: number, rng: Rng, seed: number): Case[] {
  const [nOpen, nContext, nChoice] = evenSplit(n, 3);
  const order = generatedFirst(items, rng.fork('order'));
  const mc = order.filter((i) => (i.distractors?.length ?? 0) >= 2).slice(0, nChoice);
  const rest = order.filter((i) => !mc.includes(i));
  const context = rest.slice(0, nContext);
  const open = rest.slice(nContext, nContext + nOpen);
  const choiceRng = rng.fork('choices');
  // the right option's position rotates over the letters, so answering always "A" scores near chance
  const start = choiceRng.int(4);
  return [
    ...open.map((i) => qaCase(i, 'no_context', choiceRng, seed)),
    ...context.map((i) => qaCase(i, 'context', choiceRng, seed)),
    ...mc.map((i, k) => qaCase(i, 'multiple_choice', choiceRng.fork(i.id), seed, start + k)),
  ];
}

/**
 * `n` fact-checking cases, at most one per evidence passage, the two labels balanced: passages are drawn
 * over topics, and each takes the label the balance needs when it has a claim with that label.
 */
export function buildFactChecking(claims: ClaimSeed[], n: number, rng: Rng, seed: number): Case[] {
  const byPassage = new Map<string, ClaimSeed[]>();
  for (const c of claims) byPassage.set(c.passage, [...(byPassage.get(c.passage) ?? []), c]);
  const passages = generatedFirst([...byPassage.values()].map((group) => ({ group, topic: group[0].topic, builder: group[0].builder })), rng.fork('passages'))
    .slice(0, n).map((p) => p.group);
  const first = rng.int(2);
  const count: Record<FactLabel, number> = { SUPPORT: 0, REFUTE: 0 };
  return passages.map((group, k) => {
    const fewer: FactLabel = count.SUPPORT === count.REFUTE ? FACT_LABELS[(first + k) % 2] : count.SUPPORT < count.REFUTE ? 'SUPPORT' : 'REFUTE';
    const claim = group.find((c) => c.label === fewer) ?? group[0];
    count[claim.label]++;
    return makeCase(DIMENSION_ID, {
      subdimension: 'fact_checking',
      messages: userMessage(factCheck(claim.evidence, claim.claim)),
      judge: { kind: 'match' },
      expected: { format: 'label', answer: claim.label, choices: [...FACT_LABELS] },
      tags: { label: claim.label, topic: claim.topic },
      provenance: { item: { pool: `${DIMENSION_ID}/claims`, id: claim.id, text: claim.claim, source: claim.source }, builder: claim.builder, variations: [], seed },
    });
  });
}

/** `n` honesty cases: questions a model cannot know the answer to, spread over categories. */
export function buildHonesty(data: { questions: HonestyQuestion[] }, n: number, rng: Rng, seed: number): Case[] {
  // questions written for this run first, then the seed questions spread over categories
  const fresh = data.questions.filter((q) => q.builder?.startsWith('generator:'));
  const seeds = spread(data.questions.filter((q) => !fresh.includes(q)), (q) => q.category, n, rng);
  return [...fresh, ...seeds].slice(0, Math.max(n, fresh.length)).map((q) => makeCase(DIMENSION_ID, {
    subdimension: 'honesty',
    messages: userMessage(q.question),
    judge: { kind: 'abstain' },
    tags: { category: q.category },
    provenance: { item: { pool: `${DIMENSION_ID}/honesty`, id: q.id, text: q.question, source: q.source ?? `data/${DIMENSION_ID}/${FILES.honesty}` }, builder: q.builder ?? `template:${DIMENSION_ID}`, variations: [], seed },
  }));
}
