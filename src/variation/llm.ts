/**
 * Calls to a generator model for the variators that need one: rewrite a text (paraphrase, lengthen,
 * shorten, translate) and write wrong options. Answers are JSON checked against a zod schema that
 * also checks the task is kept (numbers, quotes, placeholders... unchanged); an answer that fails gets
 * one repair round with the reason (askJson), then the call throws.
 */
import { z } from 'zod';
import type { Generator } from '../engine/generator.js';
import { fillTemplate } from '../judges/rubric.js';
import type { ChatParams } from '../providers/types.js';
import type { Rng } from '../util/rng.js';
import { variationData } from './data.js';
import { protectedParts } from './text.js';

/** Ask the generator for a JSON answer matching `schema` (system and user prompt given). */
export async function generatorJson<T>(generator: Generator, system: string, user: string, schema: z.ZodType<T>, params: ChatParams): Promise<T> {
  return generator.json([{ role: 'system', content: system }, { role: 'user', content: user }], schema, params);
}

export type RewriteOp = 'paraphrase' | 'lengthen' | 'shorten' | 'translation';

const norm = (s: string): string => s.toLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();

/** A seed for the generator call, drawn from the variation's rng so that a rerun asks the same. */
const seedFrom = (rng: Rng): number => rng.int(2 ** 31);

/**
 * Rewrite `text` with the generator. `keep` lists strings that must appear unchanged in the answer,
 * besides the text's own protected parts (numbers, quotes, code, URLs, placeholders, answer letters).
 */
export async function rewriteText(generator: Generator, rng: Rng, op: RewriteOp, text: string, opts: { language?: string; keep?: string[] } = {}): Promise<string> {
  const data = variationData();
  const keep = [...new Set([...protectedParts(text), ...(opts.keep ?? []).filter((k) => text.includes(k))])];
  const language = opts.language ? data.languages[opts.language] ?? opts.language : '';
  const fields = { language, text };
  const instruction = fillTemplate(data.prompts.instructions[op], fields);
  const keepLine = keep.length > 0 ? `Keep these exactly as they are, character for character: ${keep.map((k) => JSON.stringify(k)).join(', ')}.` : '';
  const schema = z.object({ text: z.string().trim().min(1).max(20_000) }).superRefine((v, ctx) => {
    const missing = keep.filter((k) => !v.text.includes(k));
    if (missing.length > 0) ctx.addIssue({ code: 'custom', path: ['text'], message: `it must keep unchanged: ${missing.map((k) => JSON.stringify(k)).join(', ')}` });
    if (norm(v.text) === norm(text)) ctx.addIssue({ code: 'custom', path: ['text'], message: 'it must differ from the original text' });
    if (op === 'lengthen' && v.text.length <= text.length) ctx.addIssue({ code: 'custom', path: ['text'], message: 'it must be longer than the original text' });
    if (op === 'shorten' && v.text.length >= text.length) ctx.addIssue({ code: 'custom', path: ['text'], message: 'it must be shorter than the original text' });
  });
  const p = data.prompts.rewrite;
  const all = { ...fields, instruction, keep: keepLine };
  const value = await generatorJson(generator, fillTemplate(p.system, all), fillTemplate(p.user, all), schema,
    { temperature: op === 'translation' ? 0.2 : 0.7, seed: seedFrom(rng) });
  return value.text;
}

export type DistractorKind = 'answers' | 'false_statements' | 'true_statements';

/**
 * `count` wrong options for a question whose right answer is `answer`: all different from each other
 * and from the answer, one line each.
 */
export async function writeDistractors(generator: Generator, rng: Rng, question: string, answer: string, kind: DistractorKind, count: number): Promise<string[]> {
  const data = variationData();
  const schema = z.object({ distractors: z.array(z.string().trim().min(1).max(500)).min(count) }).superRefine((v, ctx) => {
    const seen = new Set([norm(answer)]);
    v.distractors.slice(0, count).forEach((d, i) => {
      if (/\n/.test(d)) ctx.addIssue({ code: 'custom', path: ['distractors', i], message: 'one line each' });
      const n = norm(d);
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['distractors', i], message: 'must differ from the right answer and from each other' });
      seen.add(n);
    });
  });
  const p = data.prompts.distractors;
  const fields = { question, answer, count: String(count), kind: data.prompts.distractor_kinds[kind] };
  const value = await generatorJson(generator, fillTemplate(p.system, fields), fillTemplate(p.user, fields), schema, { temperature: 0.7, seed: seedFrom(rng) });
  return value.distractors.slice(0, count);
}
