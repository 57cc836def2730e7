import type { z } from 'zod';
import type { ChatMessage, ChatParams } from '../providers/types.js';
import type { ModelCaller } from './caller.js';

export class JsonCallError extends Error {
  constructor(message: string, readonly raw: string) { super(message); this.name = 'JsonCallError'; }
}

/** The first balanced JSON object in a text (models often wrap JSON in prose or code fences). */
export function extractJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('no JSON object in the answer');
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error('the JSON object in the answer is not closed');
}

/**
 * Ask a model for a JSON object and validate it against a schema; on an invalid answer, ask once more
 * with the validation error (one repair retry). Throws JsonCallError when both answers are invalid or the call fails.
 */
export async function askJson<T>(caller: ModelCaller, messages: ChatMessage[], schema: z.ZodType<T>, params: ChatParams = {}): Promise<{ value: T; raw: string; repaired: boolean }> {
  const p: ChatParams = { temperature: 0, maxTokens: 1024, ...params, json: true };
  let history = messages;
  for (let round = 0; round < 2; round++) {
    const out = await caller.chat(history, p);
    if (!out.ok) throw new JsonCallError(`${caller.id} failed: ${out.error}`, '');
    const raw = out.result.text;
    let problem: string;
    try {
      const parsed = schema.safeParse(extractJsonObject(raw));
      if (parsed.success) return { value: parsed.data, raw, repaired: round > 0 };
      problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    } catch (e) {
      problem = (e as Error).message;
    }
    if (round === 1) throw new JsonCallError(`${caller.id} gave no valid JSON after one repair: ${problem}`, raw);
    history = [
      ...messages,
      { role: 'assistant', content: raw },
      { role: 'user', content: `That answer is not valid: ${problem}. Reply again with only the JSON object, in the format asked for.` },
    ];
  }
  throw new Error('unreachable');
}
