import type { SafetyOptions } from '../../config/schema.js';
import type { Generator } from '../../engine/generator.js';
import { loadGeneratorPrompts } from '../../engine/generator.js';
import { loadDataset } from '../../metadata/dataset.js';
import { extractItems } from '../../metadata/extract.js';
import { retrievePassages } from '../../metadata/retrieve.js';
import type { MetadataItem } from '../../metadata/types.js';
import { UserInputError, type Env } from '../../providers/types.js';

/** An item from outside the built-in pools: a user dataset row, or an item extracted from a retrieved passage. */
export interface CuratedText { id: string; text: string; pool: string; source: string; retrievedAt?: string; facet?: string; topic?: string; builder?: string }

function toText(item: MetadataItem, facetField: string): CuratedText {
  return { id: `${item.pool}:${item.id}`, text: item.fields.text, pool: item.pool, source: item.source, retrievedAt: item.retrievedAt, facet: item.fields[facetField], topic: item.fields.topic };
}

/** User datasets for one pool: rows mapped to {text, group/technique, topic}. */
export function curateDatasets(opts: SafetyOptions, into: 'harmful' | 'exaggerated', baseDir = process.cwd()): CuratedText[] {
  const specs = opts.datasets?.[into] ?? [];
  return specs.flatMap((spec, i) => {
    if (!spec.fields.text) throw new UserInputError(`safety.datasets.${into}[${i}].fields: map the field "text" to the column holding the ${into === 'harmful' ? 'request' : 'question'}, e.g. fields: { text: prompt }`);
    return loadDataset(spec, { baseDir }).map((item) => toText(item, into === 'harmful' ? 'group' : 'technique'));
  });
}

/**
 * Retrieved passages (a document folder and/or web search), from which the generator extracts new items.
 * Without a generator, retrieval is refused with a clear message: extraction needs a model.
 */
export async function curateRetrieved(opts: SafetyOptions, generator: Generator | undefined, env: Env, log: (m: string) => void, seed: number): Promise<{ into: 'harmful' | 'exaggerated'; items: CuratedText[] }> {
  const r = opts.retrieval;
  const into = r?.into ?? 'harmful';
  if (!r || (!r.documents && !r.search)) return { into, items: [] };
  if (!generator) throw new UserInputError('safety.retrieval: extracting items from documents or search results needs a generator model; add --generator SPEC (or generator: in the config).');
  const passages = await retrievePassages(r, env);
  const prompts = loadGeneratorPrompts('safety');
  const instruction = prompts[into === 'harmful' ? 'extract_harmful' : 'extract_exaggerated'].user;
  const items = await extractItems(generator.caller, passages, { instruction, fields: ['text'] }, { maxItemsPerPassage: r.perPassage ?? 2, seed, log });
  log(`safety: ${items.length} ${into} items extracted from ${passages.length} retrieved passages`);
  return { into, items: items.map((i) => toText(i, 'none')) };
}
