import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/issues.js';
import { fillTemplate } from '../util/template.js';
import { dataPath } from '../util/paths.js';
import type { ModelCaller } from './caller.js';
import type { ChatMessage, ChatParams } from '../providers/types.js';
import { askJson } from './json-call.js';

const promptSchema = z.object({ system: z.string(), user: z.string() });
const promptFileSchema = z.record(z.string(), promptSchema);
const itemsAnswer = z.object({ items: z.array(z.string().min(8).max(2000)).min(1) });

export type GeneratorPrompts = z.infer<typeof promptFileSchema>;

export function loadGeneratorPrompts(name: string): GeneratorPrompts {
  const file = dataPath('generator', `${name}.yaml`);
  const parsed = promptFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(formatIssues(file, parsed.error.issues));
  return parsed.data;
}

/**
 * A generator model writes new test items from metadata. Answers are JSON validated against a schema
 * and go through the response cache, so the same seed and the same generator answers rebuild the same set.
 */
export class Generator {
  constructor(readonly caller: ModelCaller, private readonly seed: number) {}

  get id(): string { return this.caller.id; }

  /** Ask for any JSON answer validated by `schema` (one repair retry), through the cache. */
  async json<T>(messages: ChatMessage[], schema: z.ZodType<T>, params: ChatParams = {}): Promise<T> {
    const { value } = await askJson(this.caller, messages, schema, { temperature: 0.7, seed: this.seed, maxTokens: 2048, ...params });
    return value;
  }

  /** Ask for `count` new items with a prompt from data/generator/<file>.yaml filled with `fields`. */
  async items(prompts: GeneratorPrompts, promptId: string, fields: Record<string, string>, count: number): Promise<string[]> {
    const p = prompts[promptId];
    if (!p) throw new Error(`no generator prompt "${promptId}"`);
    const all = { ...fields, count: String(count) };
    const { value } = await askJson(this.caller, [
      { role: 'system', content: fillTemplate(p.system, all) },
      { role: 'user', content: fillTemplate(p.user, all) },
    ], itemsAnswer, { temperature: 0.7, seed: this.seed, maxTokens: 2048 });
    const seen = new Set<string>();
    return value.items.map((s) => s.trim()).filter((s) => s && !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase())).slice(0, count);
  }
}
