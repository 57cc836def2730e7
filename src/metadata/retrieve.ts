/**
 * Passages for a dimension to draw new items from: a local document folder and/or web-search results, as
 * configured under `<dimension>.retrieval`. Each passage keeps its file (or URL) and when it was read.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Env } from '../providers/types.js';
import { loadDocuments } from './documents.js';
import { searchItems, searchProvider } from './search.js';
import type { MetadataItem } from './types.js';

export const retrievalSchema = z
  .object({
    documents: z.string().optional().describe('A folder of .txt, .md and .html documents to draw items from.'),
    search: z
      .object({
        provider: z.enum(['brave', 'tavily']).describe('Web search API (BRAVE_API_KEY or TAVILY_API_KEY).'),
        queries: z.array(z.string().min(1)).min(1),
        count: z.number().int().min(1).max(20).optional(),
      })
      .strict()
      .optional(),
    perPassage: z.number().int().min(1).max(10).optional().describe('Most items the generator extracts from one passage (default 2).'),
  })
  .strict();

export type RetrievalOptions = z.infer<typeof retrievalSchema>;

/** Every passage of the configured document folder and web searches, in order (documents first). */
export async function retrievePassages(r: Pick<RetrievalOptions, 'documents' | 'search'>, env: Env): Promise<MetadataItem[]> {
  const passages: MetadataItem[] = [];
  if (r.documents) passages.push(...loadDocuments(resolve(r.documents)));
  if (r.search) {
    const provider = searchProvider(r.search.provider, env);
    for (const q of r.search.queries) passages.push(...(await searchItems(provider, q, { count: r.search.count ?? 5 })));
  }
  return passages;
}
