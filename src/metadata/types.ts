/**
 * A metadata item: one record a builder turns into test cases (the "curate" step). Items come from the
 * project's own pools, user datasets (JSONL/CSV), passages of a local document folder, or web-search results.
 */
export interface MetadataItem {
  /** Stable within its pool: a dataset's id column or `<file>#<row>`, `<file>#passage-N`, `<passage id>/xN`. */
  id: string;
  /** The pool it belongs to, e.g. 'dataset:questions.csv', 'documents', 'search:brave'. */
  pool: string;
  /** The item's content by field name, e.g. {question, answer} or {text}. */
  fields: Record<string, string>;
  /** Where it came from: a file path (relative for document folders, with '#passage-N') or a URL. */
  source: string;
  /** ISO time the content was read: a document's modification time, or when a web search ran. */
  retrievedAt?: string;
}

/** The item part of a case's provenance (src/core/case.ts Provenance.item). */
export function itemProvenance(item: MetadataItem, textField?: string): { pool: string; id: string; text?: string; source: string; retrievedAt?: string } {
  const text = textField ? item.fields[textField] : undefined;
  return {
    pool: item.pool,
    id: item.id,
    ...(text !== undefined ? { text } : {}),
    source: item.source,
    ...(item.retrievedAt !== undefined ? { retrievedAt: item.retrievedAt } : {}),
  };
}
