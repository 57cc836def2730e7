/** Read a results document defensively: the report renders whatever models and dimensions it holds. */
import { OVERALL } from './leaderboard.js';
import { sortDimensions } from './format.js';
import type { ResultsDoc } from './types.js';

export function modelList(doc: ResultsDoc): string[] {
  const seen = new Set<string>(doc.meta.models ?? []);
  for (const k of Object.keys(doc.scores ?? {})) seen.add(k);
  for (const k of Object.keys(doc.details ?? {})) seen.add(k);
  return [...seen];
}

export function dimensionsOf(doc: ResultsDoc, model: string): string[] {
  const ids = new Set<string>(doc.meta.dimensions ?? []);
  for (const k of Object.keys(doc.scores?.[model] ?? {})) if (k !== OVERALL) ids.add(k);
  for (const k of Object.keys(doc.details?.[model] ?? {})) ids.add(k);
  return sortDimensions(ids);
}

export function dimScore(doc: ResultsDoc, model: string, dim: string): number | null {
  const s = doc.scores?.[model]?.[dim];
  if (typeof s === 'number' && Number.isFinite(s)) return s;
  const d = doc.details?.[model]?.[dim]?.score;
  return typeof d === 'number' && Number.isFinite(d) ? d : null;
}

export function overallOf(doc: ResultsDoc, model: string): number | null {
  const s = doc.scores?.[model]?.[OVERALL];
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
}
