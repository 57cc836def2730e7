/** Metadata sources for the curate step: datasets, document folders, web search, extraction, and the dedup filter. */
export type { MetadataItem } from './types.js';
export { itemProvenance } from './types.js';
export { datasetSchema, loadDataset, loadDatasetFromConfig, type DatasetSpec } from './dataset.js';
export { loadDocuments, DOCUMENT_EXTENSIONS, type DocumentOptions } from './documents.js';
export { htmlToText, htmlToBlocks, decodeEntities } from './html.js';
export { searchProvider, searchItems, SEARCH_APIS, type SearchProvider, type SearchResult } from './search.js';
export { extractItems, type ExtractSchema, type ExtractOptions, type JsonModel } from './extract.js';
export { filterCases, overlap, type FilterOptions, type FilterResult, type Removal, type OverlapReport } from './dedup.js';
