/**
 * The catalog of local models (data/models.yaml): aliases that `trustgen pull` downloads
 * from the Hugging Face hub and that `llama:ALIAS` loads.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataPath } from '../util/paths.js';

/** The alias `trustgen pull` and the run command use when none is given. */
export const DEFAULT_MODEL_ALIAS = 'qwen2.5-0.5b-instruct';

const ModelEntrySchema = z.object({
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'repo must be OWNER/NAME'),
  file: z.string().min(1).refine((f) => !f.split('/').includes('..'), 'file must stay inside the repo'),
  revision: z.string().min(1).default('main'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  size: z.number().int().positive().optional(),
  license: z.string().optional(),
  description: z.string().optional(),
});

const CatalogSchema = z.object({
  default: z.string().optional(),
  models: z.record(z.string(), ModelEntrySchema),
});

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export interface CatalogModel extends ModelEntry { alias: string }

let cached: Map<string, CatalogModel> | undefined;

/** Parse a catalog's YAML text (exported for tests). */
export function parseCatalog(text: string, source = 'models.yaml'): Map<string, CatalogModel> {
  const parsed = CatalogSchema.safeParse(parse(text));
  if (!parsed.success) {
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const out = new Map<string, CatalogModel>();
  for (const [alias, entry] of Object.entries(parsed.data.models)) out.set(alias, { alias, ...entry });
  return out;
}

/** All catalog models, by alias, from data/models.yaml. */
export function loadCatalog(): Map<string, CatalogModel> {
  if (!cached) {
    const file = dataPath('models.yaml');
    cached = parseCatalog(readFileSync(file, 'utf8'), file);
  }
  return cached;
}

export function findModel(alias: string): CatalogModel | undefined {
  return loadCatalog().get(alias);
}

/** The base local file name of a catalog model (the last path segment of its file). */
export function localFileName(model: ModelEntry): string {
  const parts = model.file.split('/');
  return parts[parts.length - 1];
}
