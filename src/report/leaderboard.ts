import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../util/paths.js';

/** Which published TrustGen leaderboard: language, vision-language or text-to-image models. */
export type LeaderboardKind = 'llm' | 'vlm' | 't2i';

export const LEADERBOARD_KINDS: readonly LeaderboardKind[] = ['llm', 'vlm', 't2i'];

/** The key used for the leaderboard's "Avg." column and a run's overall score. */
export const OVERALL = 'overall';

export interface LeaderboardSource {
  /** Short name, e.g. 'TrustGen public leaderboard (2025)'. */
  name: string;
  /** Full citation of the paper the leaderboard belongs to. */
  citation: string;
  /** The data file read, relative to the package's data/ folder. */
  file: string;
}

export interface LeaderboardRow {
  model: string;
  /** trustgen dimension id (and 'overall') → score 0-100; null when the cell is empty or not a number. */
  scores: Record<string, number | null>;
}

export interface UnreliableColumn {
  /** trustgen dimension id, e.g. 'privacy'. */
  dimension: string;
  /** Why the column should not be read as fact. */
  reason: string;
  /** Models whose cell is affected (for LLM privacy: where it equals fairness). */
  rows: string[];
}

export interface Leaderboard {
  kind: LeaderboardKind;
  source: LeaderboardSource;
  /** Dimension ids in the file's column order (without 'overall'). */
  dimensions: string[];
  /** Column label as published, by dimension id (and 'overall'). */
  labels: Record<string, string>;
  /** Rows in the file's order, scores converted from 0-1 to 0-100. */
  rows: LeaderboardRow[];
  /** Columns flagged as unreliable at the source, by dimension id. */
  unreliable: Record<string, UnreliableColumn>;
}

/** One dimension's (or the overall score's) place among the leaderboard rows. */
export interface Rank {
  /** The user's score, 0-100. */
  score: number;
  /** 1-based: 1 + number of leaderboard rows with a strictly higher score (ties share the better rank). */
  rank: number;
  /** Entries in the ranking, counting the user's model: leaderboard rows with a score + 1. */
  of: number;
  /** The leaderboard column is flagged unreliable at the source. */
  unreliable: boolean;
}

export interface Placement {
  /** By dimension id and 'overall': only for those the run scored (non-null) and the leaderboard has. */
  ranks: Record<string, Rank>;
  /** Leaderboard dimensions the user's run has no score for. */
  missing: string[];
  /** Dimensions the run scored that the leaderboard has no column for. */
  extra: string[];
  /**
   * False when the run's overall score averages a different set of dimensions than the leaderboard's "Avg."
   * (some missing or extra): its overall rank is then only indicative.
   */
  overallComparable: boolean;
}

export const LEADERBOARD_SOURCE_NAME = 'TrustGen public leaderboard (2025)';
export const LEADERBOARD_CITATION =
  'Huang et al., "On the Trustworthiness of Generative Foundation Models: Guideline, Assessment, and Perspective" (2025), public leaderboard';

/** Published column name (lower-cased, trimmed) → trustgen dimension id. */
const COLUMN_IDS: Record<string, string> = {
  truthfulness: 'truthfulness',
  safety: 'safety',
  fairness: 'fairness',
  privacy: 'privacy',
  robustness: 'robustness',
  ethics: 'ethics',
  'machine ethics': 'ethics',
  'advanced ai risk': 'advanced_ai_risk',
  'avg.': OVERALL,
  avg: OVERALL,
  average: OVERALL,
};

/** Map a published column name to a trustgen dimension id ('overall' for "Avg."). Unknown names are snake-cased. */
export function columnToDimension(column: string): string {
  const key = column.trim().toLowerCase();
  return COLUMN_IDS[key] ?? key.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

function toScore(cell: string | undefined): number | null {
  if (cell === undefined) return null;
  const t = cell.trim();
  if (t === '') return null;
  const v = Number(t);
  if (!Number.isFinite(v)) return null;
  // Published scores are 0-1; present as 0-100, rounded to 2 decimals to drop float noise.
  return Math.round(v * 100 * 100) / 100;
}

/** Parse a leaderboard CSV (header "Model,<dimension columns>,Avg."; scores 0-1). Exported for tests. */
export function parseLeaderboardCsv(kind: LeaderboardKind, text: string, file = `trustgen-leaderboard/${kind}.csv`): Leaderboard {
  const records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  if (records.length === 0) throw new Error(`trustgen: leaderboard ${file} is empty`);
  const header = records[0];
  if ((header[0] ?? '').trim().toLowerCase() !== 'model') {
    throw new Error(`trustgen: leaderboard ${file}: first column must be "Model", got "${header[0] ?? ''}"`);
  }
  const ids = header.map((h, i) => (i === 0 ? 'model' : columnToDimension(h)));
  const labels: Record<string, string> = {};
  const dimensions: string[] = [];
  for (let i = 1; i < header.length; i++) {
    labels[ids[i]] = header[i].trim();
    if (ids[i] !== OVERALL) dimensions.push(ids[i]);
  }
  const rows: LeaderboardRow[] = [];
  for (const rec of records.slice(1)) {
    const model = (rec[0] ?? '').trim();
    if (!model) continue;
    const scores: Record<string, number | null> = {};
    for (let i = 1; i < ids.length; i++) scores[ids[i]] = toScore(rec[i]);
    rows.push({ model, scores });
  }

  const unreliable: Record<string, UnreliableColumn> = {};
  if (kind === 'llm' && 'privacy' in labels && 'fairness' in labels) {
    // Error at the source: in the published LLM table, Privacy repeats Fairness.
    const affected = rows.filter((r) => r.scores.privacy !== null && r.scores.privacy === r.scores.fairness).map((r) => r.model);
    if (affected.length > 0) {
      unreliable.privacy = {
        dimension: 'privacy',
        reason: `unreliable at source: the published Privacy column equals Fairness for ${affected.length} of ${rows.length} models`,
        rows: affected,
      };
    }
  }

  return {
    kind,
    source: { name: LEADERBOARD_SOURCE_NAME, citation: LEADERBOARD_CITATION, file },
    dimensions,
    labels,
    rows,
    unreliable,
  };
}

const cache = new Map<LeaderboardKind, Leaderboard>();

/** Load the published TrustGen leaderboard for a kind of model from data/trustgen-leaderboard/<kind>.csv. */
export function loadLeaderboard(kind: LeaderboardKind): Leaderboard {
  if (!LEADERBOARD_KINDS.includes(kind)) throw new Error(`trustgen: unknown leaderboard kind "${String(kind)}" (llm, vlm or t2i)`);
  let lb = cache.get(kind);
  if (!lb) {
    const file = `trustgen-leaderboard/${kind}.csv`;
    lb = parseLeaderboardCsv(kind, readFileSync(dataPath('trustgen-leaderboard', `${kind}.csv`), 'utf8'), file);
    cache.set(kind, lb);
  }
  return lb;
}

/** 1 + number of values strictly greater than score. */
function rankAmong(values: number[], score: number): number {
  let above = 0;
  for (const v of values) if (v > score) above++;
  return above + 1;
}

/**
 * Where a model with these scores (0-100, keyed by dimension id and 'overall') would place among the leaderboard's rows,
 * for each dimension the run scored and the overall score.
 */
export function placeModel(lb: Leaderboard, scores: Record<string, number | null | undefined>): Placement {
  const ranks: Record<string, Rank> = {};
  const missing: string[] = [];
  for (const dim of [...lb.dimensions, OVERALL]) {
    const score = scores[dim];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      if (dim !== OVERALL) missing.push(dim);
      continue;
    }
    const values = lb.rows.map((r) => r.scores[dim]).filter((v): v is number => typeof v === 'number');
    ranks[dim] = { score, rank: rankAmong(values, score), of: values.length + 1, unreliable: dim in lb.unreliable };
  }
  const known = new Set([...lb.dimensions, OVERALL]);
  const extra = Object.keys(scores).filter((k) => !known.has(k) && typeof scores[k] === 'number');
  return { ranks, missing, extra, overallComparable: missing.length === 0 && extra.length === 0 };
}

/** The leaderboard rows sorted by their published overall ("Avg.") score, best first. */
export function rowsByOverall(lb: Leaderboard): LeaderboardRow[] {
  return [...lb.rows].sort((a, b) => (b.scores[OVERALL] ?? -Infinity) - (a.scores[OVERALL] ?? -Infinity));
}
