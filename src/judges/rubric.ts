import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import type { ModelCaller } from '../engine/caller.js';
import { askJson } from '../engine/json-call.js';
import type { ChatMessage } from '../providers/types.js';
import { canonicalJson, sha256 } from '../util/hash.js';
import { dataPath } from '../util/paths.js';
import { createRng } from '../util/rng.js';
import { fillTemplate } from '../util/template.js';
import { FORMAT_PLACEHOLDER, fenceOf, parseRubric, RUBRIC_FIELDS, type Rubric, type RubricField } from './rubric-schema.js';
import type { JudgeInput, LabelJudge, LabelVerdict } from './types.js';

export { parseRubric, type Rubric, type RubricField } from './rubric-schema.js';

const rubricDir = () => dataPath('judges', 'rubrics');
const loaded = new Map<string, Rubric>();

/** Load and validate one rubric file (cached). Its `id` must match its file name. */
export function loadRubricFile(file: string): Rubric {
  const rubric = parseRubric(file, readFileSync(file, 'utf8'));
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (rubric.id !== expected) throw new Error(`Invalid rubric:\n${file}: id: "${rubric.id}" does not match the file name (expected "${expected}")`);
  return rubric;
}

/** The rubric data/judges/rubrics/<id>.yaml. */
export function loadRubric(id: string): Rubric {
  const hit = loaded.get(id);
  if (hit) return hit;
  if (!/^[a-z][a-z0-9_]*$/.test(id)) throw new Error(`no rubric "${id}": rubric ids are lower-case names`);
  const known = rubricIds();
  if (!known.includes(id)) throw new Error(`no rubric "${id}"; known rubrics: ${known.join(', ')}`);
  const rubric = loadRubricFile(dataPath('judges', 'rubrics', `${id}.yaml`));
  loaded.set(id, rubric);
  return rubric;
}

function rubricIds(): string[] {
  return readdirSync(rubricDir()).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** Every rubric in data/judges/rubrics/, by id. */
export function listRubrics(): Rubric[] {
  return rubricIds().map(loadRubric);
}

export { fillTemplate } from '../util/template.js';

/** The tags that fence the fields of a rubric's user template, e.g. ['request', 'answer']. */
export function rubricFences(rubric: Rubric): string[] {
  return [...new Set([...rubric.fields, ...rubric.optional].map((f) => fenceOf(rubric.user, f)).filter((t): t is string => !!t))];
}

/**
 * Make a value safe to place inside a fence: any opening or closing tag with a fence's name
 * (`</answer>`, `< answer x>`) is rewritten with angle quotes, so the value cannot close its fence
 * and speak to the judge from outside it.
 */
export function neutraliseFences(value: string, fences: readonly string[]): string {
  if (fences.length === 0) return value;
  const re = new RegExp(`<\\s*(/?)\\s*(${fences.join('|')})\\b([^<>]*)>`, 'gi');
  return value.replace(re, (_m, slash: string, name: string, rest: string) => `‹${slash}${name}${rest}›`);
}

/** The JSON answer format line shown to the judge model, built from the rubric's labels. */
export function answerFormat(rubric: Rubric): string {
  return `{"label": "<${rubric.answer.label}: ${rubric.labels.join(' | ')}>", "reason": "<${rubric.answer.reason}>"}`;
}

export type PairOrder = 'response-first' | 'other-first';

/**
 * Which of two compared answers is shown first: drawn from an RNG seeded by a hash of the inputs,
 * so the order is random across inputs but the same inputs always give the same order (and the same cache key).
 */
export function pairOrder(rubricId: string, input: JudgeInput, seed = 0): PairOrder {
  const h = sha256(canonicalJson({ rubric: rubricId, prompt: input.prompt, response: input.response, other: input.other, reference: input.reference, choices: input.choices, seed }));
  return createRng(parseInt(h.slice(0, 8), 16)).next() < 0.5 ? 'response-first' : 'other-first';
}

function fieldValue(input: JudgeInput, f: RubricField): string | undefined {
  if (f === 'choices') return input.choices?.length ? input.choices.map((c, i) => `${i < 26 ? String.fromCharCode(65 + i) : String(i + 1)}. ${c}`).join('\n') : undefined;
  const v = input[f];
  return typeof v === 'string' ? v : undefined;
}

/** The chat messages a rubric sends for one input, and the pair order when it compares two answers. */
export function rubricMessages(rubric: Rubric, input: JudgeInput, seed = 0): { messages: ChatMessage[]; order?: PairOrder } {
  const fences = rubricFences(rubric);
  const values: Record<string, string> = {};
  for (const f of rubric.fields) {
    const v = fieldValue(input, f);
    if (v === undefined) throw new Error(`rubric "${rubric.id}" needs the input field "${f}" (it needs: ${rubric.fields.join(', ')})`);
    values[f] = neutraliseFences(v, fences);
  }
  for (const f of rubric.optional) {
    const v = fieldValue(input, f);
    values[f] = v === undefined ? '(none)' : neutraliseFences(v, fences);
  }
  let order: PairOrder | undefined;
  if (rubric.fields.includes('other')) {
    // Pairwise rubrics must read the same whichever answer comes first (e.g. same/different).
    order = pairOrder(rubric.id, input, seed);
    if (order === 'other-first') [values.response, values.other] = [values.other, values.response];
  }
  values[FORMAT_PLACEHOLDER] = answerFormat(rubric);
  return {
    messages: [
      { role: 'system', content: rubric.system },
      { role: 'user', content: fillTemplate(rubric.user, values) },
    ],
    order,
  };
}

/** The zod schema of a rubric's JSON answer: a label from its list and a reason. */
export function answerSchema(rubric: Rubric) {
  return z.object({ label: z.enum(rubric.labels as [string, ...string[]]), reason: z.string().default('') });
}

/**
 * The rubric LLM judge: fills the rubric's templates from the input, asks the judge model for a JSON
 * answer validated against the rubric's labels (one repair retry), and returns the label with
 * meta {rubric, judgeModel, repaired, order?}. score is 1: an LLM judge gives no confidence.
 */
export function rubricJudge(caller: ModelCaller, rubricId: string, opts: { seed?: number } = {}): LabelJudge {
  const rubric = loadRubric(rubricId);
  const schema = answerSchema(rubric);
  return {
    id: `rubric:${rubric.id}`,
    kind: 'llm',
    needs: 'a chat model (--judge SPEC)',
    labels: rubric.labels,
    description: rubric.description,
    async label(input: JudgeInput): Promise<LabelVerdict> {
      const { messages, order } = rubricMessages(rubric, input, opts.seed ?? 0);
      const { value, repaired } = await askJson(caller, messages, schema);
      const meta: Record<string, unknown> = { rubric: rubric.id, judgeModel: caller.id, repaired };
      if (order) meta.order = order;
      return { label: value.label, score: 1, reason: value.reason, meta };
    },
  };
}

export { RUBRIC_FIELDS };
