/**
 * Structured extraction: a generator model reads each passage (a document passage or a search result)
 * and returns items with named fields, e.g. {claim, answer} for truthfulness questions. Every extracted
 * item keeps its passage's source and retrievedAt, so a case built from it traces back to the document or URL.
 */
import { z } from 'zod';
import type { ModelCaller } from '../engine/caller.js';
import { runPool } from '../engine/pool.js';
import { askJson, JsonCallError } from '../engine/json-call.js';
import { UserInputError } from '../providers/types.js';
import type { MetadataItem } from './types.js';

/** What extraction needs of a model: a ModelCaller (cache, retries, limits) or a test double with the same two members. */
export type JsonModel = Pick<ModelCaller, 'id' | 'chat'>;

export interface ExtractSchema {
  /** What to extract, e.g. "Extract factual claims a quiz question could test." */
  instruction: string;
  /** Field names of each extracted item, e.g. ['claim', 'answer']. */
  fields: string[];
}

export interface ExtractOptions {
  /** Most items kept per passage (default 5). */
  maxItemsPerPassage?: number;
  /** Passages in flight at once (default 4); the caller's own limiter still applies. */
  concurrency?: number;
  /** Sent with every request, so the same passages and seed hit the response cache. */
  seed?: number;
  temperature?: number;
  maxTokens?: number;
  /** Pool of the extracted items; default the passage's pool. */
  pool?: string;
  /** The text the model reads from a passage; default fields.text, else title and snippet, else every field. */
  textOf?: (item: MetadataItem) => string;
  /** Where skipped passages are reported (default: stderr). */
  log?: (message: string) => void;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The zod schema of an answer: {"items": [{<field>: non-empty string, ...}]}. */
export function extractionSchema(fields: string[]) {
  const shape: Record<string, z.ZodString> = {};
  for (const f of fields) shape[f] = z.string().trim().min(1);
  return z.object({ items: z.array(z.object(shape)) });
}

/** The default text of a passage for the model. */
export function passageText(item: MetadataItem): string {
  const f = item.fields;
  if (f.text) return f.text;
  if (f.title !== undefined || f.snippet !== undefined) return [f.title, f.snippet].filter(Boolean).join('\n\n');
  return Object.entries(f).map(([k, v]) => `${k}: ${v}`).join('\n');
}

/** The two messages asking for the items of one passage. */
export function extractionMessages(schema: ExtractSchema, item: MetadataItem, text: string, max: number) {
  const example = `{"items": [{${schema.fields.map((f) => `"${f}": "..."`).join(', ')}}]}`;
  return [
    {
      role: 'system' as const,
      content:
        'You extract structured records from a source text. Use only what the text states; do not add outside knowledge. ' +
        `Reply with only a JSON object of the form ${example}, where every item has every field as a non-empty string. ` +
        `Give at most ${max} items; reply {"items": []} when the text holds none.`,
    },
    {
      role: 'user' as const,
      content: `${schema.instruction.trim()}\n\nFields of each item: ${schema.fields.join(', ')}.\n\nSource: ${item.source}\n"""\n${text}\n"""`,
    },
  ];
}

/**
 * Extract items from every passage, in passage order. Item ids are `<passage id>/x<N>` (N from 1); source
 * and retrievedAt are the passage's. A passage whose answers stay invalid after the one repair retry (or
 * whose call fails) is skipped and logged; a stopped run (Ctrl-C) still stops extraction.
 */
export async function extractItems(model: JsonModel, passages: MetadataItem[], schema: ExtractSchema, opts: ExtractOptions = {}): Promise<MetadataItem[]> {
  if (schema.fields.length === 0) throw new UserInputError('extraction: give at least one field name to extract.');
  const bad = schema.fields.find((f) => !FIELD_NAME.test(f));
  if (bad !== undefined) throw new UserInputError(`extraction: field name "${bad}" must be letters, digits and underscores (starting with a letter).`);
  if (new Set(schema.fields).size !== schema.fields.length) throw new UserInputError('extraction: field names must be distinct.');
  const max = opts.maxItemsPerPassage ?? 5;
  const answer = extractionSchema(schema.fields);
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const textOf = opts.textOf ?? passageText;
  const out: MetadataItem[][] = new Array(passages.length);
  let next = 0;
  await runPool(() => (next < passages.length ? next++ : undefined), opts.concurrency ?? 4, async (k) => {
    const p = passages[k];
    const text = textOf(p).trim();
    if (text === '') {
      out[k] = [];
      return;
    }
    let value: z.infer<typeof answer>;
    try {
      // askJson reads only `id` and `chat`, which JsonModel guarantees.
      ({ value } = await askJson(model as ModelCaller, extractionMessages(schema, p, text, max), answer, {
        temperature: opts.temperature ?? 0,
        maxTokens: opts.maxTokens ?? 1024,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      }));
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`extraction: skipped ${p.id} (${p.source}): ${e.message}`);
      out[k] = [];
      return;
    }
    out[k] = value.items.slice(0, max).map((fields, n) => ({
      id: `${p.id}/x${n + 1}`,
      pool: opts.pool ?? p.pool,
      fields: pick(fields as Record<string, string>, schema.fields),
      source: p.source,
      ...(p.retrievedAt !== undefined ? { retrievedAt: p.retrievedAt } : {}),
    }));
  });
  return out.flat();
}

function pick(fields: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = fields[n];
  return out;
}
