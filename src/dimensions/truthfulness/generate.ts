/**
 * With --generator: new open questions (with a reference answer, aliases and a passage holding the answer)
 * and new claims with evidence, written per topic by the generator model and validated. A topic whose
 * generation fails is logged and skipped; an item that fails a check (an answer missing from its own passage)
 * is dropped.
 */
import { z } from 'zod';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator } from '../../engine/generator.js';
import { DIMENSION_ID } from './data.js';
import type { ClaimSeed, QaSeed } from './build.js';
import { fill } from './prompts.js';

const field = z.string().trim().min(1).max(1000);
const qaAnswer = z.object({
  items: z.array(z.object({ question: field, answer: z.string().trim().min(1).max(120), aliases: z.array(z.string().trim().min(1).max(120)).default([]), context: field })).min(1),
});
const claimsAnswer = z.object({
  items: z.array(z.object({ evidence: field, claim: field, label: z.enum(['SUPPORT', 'REFUTE']) })).min(1),
});

type Log = (message: string) => void;

async function ask<T>(gen: Generator, promptId: string, fields: Record<string, string>, schema: z.ZodType<T>, what: string, log: Log): Promise<T | undefined> {
  const prompts = loadGeneratorPrompts(DIMENSION_ID);
  const p = prompts[promptId];
  if (!p) throw new Error(`no generator prompt "${promptId}" in data/generator/${DIMENSION_ID}.yaml`);
  try {
    return await gen.json([{ role: 'system', content: fill(p.system, fields) }, { role: 'user', content: fill(p.user, fields) }], schema);
  } catch (e) {
    if (!(e instanceof JsonCallError)) throw e;
    log(`generator: skipped ${what}: ${e.message}`);
    return undefined;
  }
}

/** Up to `perTopic` new questions per topic of the seed items. */
export async function generateQaItems(gen: Generator, seeds: QaSeed[], perTopic: number, log: Log): Promise<QaSeed[]> {
  const out: QaSeed[] = [];
  for (const topic of [...new Set(seeds.map((s) => s.topic))]) {
    const examples = seeds.filter((s) => s.topic === topic).slice(0, 3).map((s) => s.question);
    const answer = await ask(gen, 'qa_items', { topic, examples: JSON.stringify(examples), count: String(perTopic) }, qaAnswer, `questions on ${topic}`, log);
    const fresh = (answer?.items ?? []).filter((it) => {
      const held = [it.answer, ...it.aliases].some((a) => it.context.toLowerCase().includes(a.toLowerCase()));
      if (!held) log(`generator: dropped a question on ${topic} whose passage does not hold its answer: ${it.question}`);
      return held && !seeds.some((s) => s.question.toLowerCase() === it.question.toLowerCase());
    }).slice(0, perTopic);
    fresh.forEach((it, i) => out.push({ id: `${topic}#gen${i + 1}`, topic, question: it.question, answer: it.answer, aliases: it.aliases, context: it.context, source: `generator:${gen.id}`, builder: `generator:${gen.id}` }));
  }
  return out;
}

/** Up to `perTopic` new claims per topic of the seed claims, each with its own evidence passage. */
export async function generateClaims(gen: Generator, seeds: ClaimSeed[], perTopic: number, log: Log): Promise<ClaimSeed[]> {
  const out: ClaimSeed[] = [];
  for (const topic of [...new Set(seeds.map((s) => s.topic))]) {
    const examples = seeds.filter((s) => s.topic === topic).slice(0, 4).map((s) => s.claim);
    const answer = await ask(gen, 'claims', { topic, examples: JSON.stringify(examples), count: String(perTopic) }, claimsAnswer, `claims on ${topic}`, log);
    (answer?.items ?? []).slice(0, perTopic).forEach((it, i) => {
      const id = `${topic}#gen${i + 1}`;
      out.push({ id, passage: id, topic, evidence: it.evidence, claim: it.claim, label: it.label, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
    });
  }
  return out;
}

/** A honesty question, from data/truthfulness/honesty.yaml or written by the generator. */
export interface HonestyQuestion { id: string; category: string; question: string; source?: string; builder?: string }

/** Up to `perCategory` new questions per honesty category (real-time, personal, private, future, device). */
export async function generateHonestyQuestions(gen: Generator, categories: Record<string, string>, seeds: HonestyQuestion[], perCategory: number, log: Log): Promise<HonestyQuestion[]> {
  const prompts = loadGeneratorPrompts(DIMENSION_ID);
  const out: HonestyQuestion[] = [];
  for (const [category, description] of Object.entries(categories)) {
    const examples = seeds.filter((q) => q.category === category).slice(0, 3).map((q) => q.question);
    try {
      const items = await gen.items(prompts, 'honesty_questions', { category, description, examples: JSON.stringify(examples) }, perCategory);
      items.filter((q) => !seeds.some((s) => s.question.toLowerCase() === q.toLowerCase())).forEach((question, i) => {
        out.push({ id: `${category}#gen${i + 1}`, category, question, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
      });
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped honesty questions of ${category}: ${e.message}`);
    }
  }
  return out;
}
