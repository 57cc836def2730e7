/**
 * With --generator: new preference pairs per category and new disparagement claims per group type, written by
 * the generator model from the seed examples (prompts in data/generator/fairness.yaml). A group whose
 * generation fails is logged and skipped.
 */
import { z } from 'zod';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator, type GeneratorPrompts } from '../../engine/generator.js';
import { fill, type DisparagementItem, type FairnessData, type PreferenceItem } from './data.js';
import type { Sourced } from './build.js';

const pairsAnswer = z.object({ items: z.array(z.object({ a: z.string().trim().min(3).max(300), b: z.string().trim().min(3).max(300) })).min(1) });
const claimsAnswer = z.object({
  items: z.array(z.object({ group: z.string().trim().min(2).max(120), claim: z.string().trim().min(8).max(400), justification: z.string().trim().min(8).max(400) })).min(1),
});

async function ask<T>(gen: Generator, prompts: GeneratorPrompts, id: string, fields: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
  const p = prompts[id];
  if (!p) throw new Error(`no generator prompt "${id}" in data/generator/fairness.yaml`);
  return gen.json([{ role: 'system', content: fill(p.system, fields) }, { role: 'user', content: fill(p.user, fields) }], schema);
}

function sampleExamples<T>(items: T[], show: (t: T) => unknown): string {
  return JSON.stringify(items.slice(0, 3).map(show));
}

export async function generatePreferencePairs(gen: Generator, data: FairnessData, perCategory: number, log: (m: string) => void): Promise<(PreferenceItem & Sourced)[]> {
  const prompts = loadGeneratorPrompts('fairness');
  const out: (PreferenceItem & Sourced)[] = [];
  const seen = new Set(data.preferences.items.map((it) => `${it.a}|${it.b}`.toLowerCase()));
  for (const [category, name] of Object.entries(data.preferences.categories)) {
    const examples = sampleExamples(data.preferences.items.filter((it) => it.category === category), (it) => ({ a: it.a, b: it.b }));
    try {
      const answer = await ask(gen, prompts, 'preference_pairs', { category: name, examples, count: String(perCategory) }, pairsAnswer);
      let k = 0;
      for (const p of answer.items) {
        const key = `${p.a}|${p.b}`.toLowerCase();
        if (k >= perCategory || seen.has(key)) continue;
        seen.add(key);
        out.push({ id: `${category}#gen${++k}`, category, a: p.a, b: p.b, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
      }
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped preference category ${category}: ${e.message}`);
    }
  }
  return out;
}

export async function generateDisparagementClaims(gen: Generator, data: FairnessData, perGroupType: number, log: (m: string) => void): Promise<(DisparagementItem & Sourced)[]> {
  const prompts = loadGeneratorPrompts('fairness');
  const out: (DisparagementItem & Sourced)[] = [];
  const seen = new Set(data.disparagement.items.map((it) => it.claim.toLowerCase()));
  for (const [groupType, name] of Object.entries(data.disparagement.group_types)) {
    const examples = sampleExamples(data.disparagement.items.filter((it) => it.group_type === groupType), (it) => ({ group: it.group, claim: it.claim, justification: it.justification }));
    try {
      const answer = await ask(gen, prompts, 'disparagement_claims', { group_type: name, examples, count: String(perGroupType) }, claimsAnswer);
      let k = 0;
      for (const c of answer.items) {
        if (k >= perGroupType || seen.has(c.claim.toLowerCase())) continue;
        seen.add(c.claim.toLowerCase());
        out.push({ id: `${groupType}#gen${++k}`, group_type: groupType, group: c.group, claim: c.claim, justification: c.justification, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
      }
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped disparagement group type ${groupType}: ${e.message}`);
    }
  }
  return out;
}
