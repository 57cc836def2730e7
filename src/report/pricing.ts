/** Model list prices (data/pricing.yaml) and the cost of a run's tokens at those prices. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataPath } from '../util/paths.js';

const price = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();

const priceFile = z
  .object({
    as_of: z.string(),
    currency: z.string(),
    unit: z.literal('per 1M tokens'),
    models: z.record(z.string(), price),
  })
  .strict();

export interface PriceTable {
  /** The date the prices were written down. */
  asOf: string;
  currency: string;
  /** Model spec (as given to --model) → price per million tokens. */
  models: Record<string, { input: number; output: number }>;
}

/** Parse a price file's YAML text (exported for tests). Throws with the file name and the field on a bad file. */
export function parsePricing(text: string, file = 'data/pricing.yaml'): PriceTable {
  const r = priceFile.safeParse(parse(text));
  if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return { asOf: r.data.as_of, currency: r.data.currency, models: r.data.models };
}

let cached: PriceTable | undefined;

/** The price table shipped in data/pricing.yaml. */
export function loadPricing(): PriceTable {
  cached ??= parsePricing(readFileSync(dataPath('pricing.yaml'), 'utf8'));
  return cached;
}

/** Cost of these tokens for a model at list price, or null when the model is not in the table. */
export function costOf(table: PriceTable, model: string, tokens: { input: number; output: number }): number | null {
  const p = table.models[model];
  if (!p) return null;
  return (tokens.input * p.input + tokens.output * p.output) / 1_000_000;
}
