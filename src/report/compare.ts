/**
 * Compare two stored runs: score deltas per model, dimension and sub-dimension, each with a 95% interval of the
 * difference and whether it is significant, and the cases whose verdict changed.
 *
 * Pure over the store: `compareRuns` reads the database and returns a JSON-able document (the CLI prints it, the
 * web viewer serves it). Scores are recomputed from the store with scoreRun, as `trustgen report` does.
 * Significance: see compare-stats.ts (Newcombe hybrid score interval for two pass rates; the same square-and-add
 * rule, MOVER, for dimension and overall means).
 */
import type { Db } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { differenceOf, excludesZero, meanOf, wilson, type Estimate } from './compare-stats.js';
import { sortDimensions } from './format.js';
import { scoreRun } from './score.js';
import type { DimensionResult, ResultsDoc, SubdimensionResult } from './types.js';

export const SIGNIFICANCE_METHOD =
  'Newcombe hybrid score 95% interval of the difference of two pass rates (Wilson intervals combined); dimension and overall means by the same rule (MOVER); significant when the interval excludes 0';

/** One score in both runs (0-100 points) and their difference b - a. */
export interface ScoreDelta {
  /** Score in run A, or null when A has none. */
  a: number | null;
  /** Score in run B, or null when B has none. */
  b: number | null;
  /** b - a in points (one decimal); null when either side has no score. */
  delta: number | null;
  /** 95% interval of the difference in points (one decimal); null when either side has no score. */
  ci95: [number, number] | null;
  /** The interval excludes 0. */
  significant: boolean;
  /** Cases that counted in A and in B. */
  nA: number;
  nB: number;
}

export interface SubdimensionDelta extends ScoreDelta {
  /** The metric's name as results.json gives it (run B's, else A's). */
  metric: string;
  /** The metric's kind when results.json gives one ('pass-rate' | 'agreement' | 'kept-correct'). */
  kind?: string;
}

export interface DimensionDelta extends ScoreDelta {
  subdimensions: Record<string, SubdimensionDelta>;
}

export interface ModelComparison {
  model: string;
  overall: ScoreDelta;
  dimensions: Record<string, DimensionDelta>;
}

/** A case judged in both runs, for the same model, with a different label or score. */
export interface ChangedVerdict {
  caseId: string;
  model: string;
  dimension: string;
  subdimension: string;
  tags: Record<string, string>;
  a: { label: string; score: number | null };
  b: { label: string; score: number | null };
}

export interface ChangedVerdictPage {
  /** All changed verdicts (for the models filter, when given). */
  total: number;
  offset: number;
  limit: number;
  items: ChangedVerdict[];
}

export interface RunSummary {
  id: string;
  createdAt: string;
  status: string;
  models: string[];
  dimensions: string[];
  judge: string;
  seed: number;
}

export interface RunComparison {
  runA: RunSummary;
  runB: RunSummary;
  /** How `significant` is decided. */
  method: string;
  /** Models in both runs, in run A's order. */
  models: ModelComparison[];
  onlyInA: string[];
  onlyInB: string[];
  /** What may confound the comparison: a different judge, seed or case limit between the runs. */
  notes: string[];
  changed: ChangedVerdictPage;
}

export interface CompareOptions {
  /** First changed verdict to return (default 0). */
  changedOffset?: number;
  /** Most changed verdicts returned (default 50, at most 1000). */
  changedLimit?: number;
  /** Only this model's changed verdicts. */
  model?: string;
  /**
   * Score both runs with people's labels where they marked the judge wrong (annotations from `trustgen view`),
   * and compare verdicts the same way.
   */
  humanLabels?: boolean;
}

export class UnknownRunError extends Error {
  constructor(readonly runId: string) {
    super(`no run "${runId}"`);
    this.name = 'UnknownRunError';
  }
}

const MAX_CHANGED_LIMIT = 1000;

/** Compare run B against run A (deltas are B - A). Throws UnknownRunError for an id not in the store. */
export function compareRuns(db: Db, runA: string, runB: string, options: CompareOptions = {}): RunComparison {
  const runs = new RunStore(db);
  for (const id of [runA, runB]) if (!runs.get(id)) throw new UnknownRunError(id);
  const human = options.humanLabels === true ? { humanLabels: true } : {};
  const a = scoreRun(db, runA, human);
  const b = scoreRun(db, runB, human);
  return {
    runA: summary(db, a),
    runB: summary(db, b),
    ...compareResults(a, b),
    notes: confounders(a, b),
    changed: changedVerdicts(db, runA, runB, options),
  };
}

/** Differences in set-up that can move scores without the model changing. */
export function confounders(a: ResultsDoc, b: ResultsDoc): string[] {
  const notes: string[] = [];
  if (a.meta.judge !== b.meta.judge) notes.push(`the runs used different judges (A: ${a.meta.judge}, B: ${b.meta.judge}): a change may come from the judge, not the model`);
  if (a.meta.seed !== b.meta.seed) notes.push(`the runs used different seeds (A: ${a.meta.seed}, B: ${b.meta.seed}): they hold different cases, and only cases in both can change verdict`);
  const dimsA = [...a.meta.dimensions].sort().join(', ');
  const dimsB = [...b.meta.dimensions].sort().join(', ');
  if (dimsA !== dimsB) notes.push(`the runs cover different dimensions (A: ${dimsA || 'none'}; B: ${dimsB || 'none'}): their overall scores average different things`);
  if (a.meta.limit !== b.meta.limit) notes.push(`the runs used different case limits (A: ${a.meta.limit ?? 'none'}, B: ${b.meta.limit ?? 'none'})`);
  return notes;
}

function summary(db: Db, doc: ResultsDoc): RunSummary {
  const row = new RunStore(db).get(doc.runId);
  return {
    id: doc.runId,
    createdAt: row?.created_at ?? doc.meta.startedAt,
    status: row?.status ?? doc.status,
    models: doc.meta.models,
    dimensions: doc.meta.dimensions,
    judge: doc.meta.judge,
    seed: doc.meta.seed,
  };
}

/** The score part of a comparison, from two results documents (no store needed). */
export function compareResults(a: ResultsDoc, b: ResultsDoc): Pick<RunComparison, 'method' | 'models' | 'onlyInA' | 'onlyInB'> {
  const modelsA = Object.keys(a.details);
  const modelsB = Object.keys(b.details);
  const both = modelsA.filter((m) => modelsB.includes(m));
  return {
    method: SIGNIFICANCE_METHOD,
    models: both.map((m) => compareModel(m, a.details[m] ?? {}, b.details[m] ?? {}, [scoreOf(a, m), scoreOf(b, m)])),
    onlyInA: modelsA.filter((m) => !modelsB.includes(m)),
    onlyInB: modelsB.filter((m) => !modelsA.includes(m)),
  };
}

/** The overall score results.json gives a model (the mean of its rounded dimension scores). */
function scoreOf(doc: ResultsDoc, model: string): number | null {
  const v = doc.scores[model]?.overall;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function compareModel(
  model: string,
  a: Record<string, DimensionResult>,
  b: Record<string, DimensionResult>,
  [overallA, overallB]: [number | null, number | null],
): ModelComparison {
  const dims = sortDimensions([...Object.keys(a), ...Object.keys(b)]);
  const dimensions: Record<string, DimensionDelta> = {};
  const estA: Estimate[] = [];
  const estB: Estimate[] = [];
  for (const d of dims) {
    const subIds = [...new Set([...Object.keys(a[d]?.subdimensions ?? {}), ...Object.keys(b[d]?.subdimensions ?? {})])];
    const subdimensions: Record<string, SubdimensionDelta> = {};
    for (const s of subIds) subdimensions[s] = compareSub(a[d]?.subdimensions[s], b[d]?.subdimensions[s]);
    const ea = dimensionEstimate(a[d]);
    const eb = dimensionEstimate(b[d]);
    if (ea) estA.push(ea);
    if (eb) estB.push(eb);
    dimensions[d] = { ...delta(a[d]?.score ?? null, b[d]?.score ?? null, ea, eb, a[d]?.n ?? 0, b[d]?.n ?? 0), subdimensions };
  }
  const oa = meanOf(estA);
  const ob = meanOf(estB);
  // The scores shown are results.json's; the interval comes from the sub-dimension estimates.
  const overall = delta(
    oa ? overallA ?? round1(oa.value * 100) : null,
    ob ? overallB ?? round1(ob.value * 100) : null,
    oa,
    ob,
    dims.reduce((x, d) => x + (a[d]?.n ?? 0), 0),
    dims.reduce((x, d) => x + (b[d]?.n ?? 0), 0),
  );
  return { model, overall, dimensions };
}

function subEstimate(s: SubdimensionResult | undefined): Estimate | null {
  if (!s || s.value === null || s.value === undefined) return null;
  return wilson(s.value / 100, s.n);
}

function dimensionEstimate(d: DimensionResult | undefined): Estimate | null {
  if (!d) return null;
  return meanOf(Object.values(d.subdimensions ?? {}).map(subEstimate).filter((x): x is Estimate => x !== null));
}

function compareSub(a: SubdimensionResult | undefined, b: SubdimensionResult | undefined): SubdimensionDelta {
  const kind = (b as { kind?: string } | undefined)?.kind ?? (a as { kind?: string } | undefined)?.kind;
  return {
    ...delta(a?.value ?? null, b?.value ?? null, subEstimate(a), subEstimate(b), a?.n ?? 0, b?.n ?? 0),
    metric: b?.metric ?? a?.metric ?? '',
    ...(kind ? { kind } : {}),
  };
}

function delta(a: number | null, b: number | null, ea: Estimate | null, eb: Estimate | null, nA: number, nB: number): ScoreDelta {
  if (a === null || b === null || !ea || !eb) return { a, b, delta: a !== null && b !== null ? round1(b - a) : null, ci95: null, significant: false, nA, nB };
  const d = differenceOf(ea, eb);
  return { a, b, delta: round1(b - a), ci95: [round1(d.lo * 100), round1(d.hi * 100)], significant: excludesZero(d), nA, nB };
}

function round1(x: number): number {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? 0 : r;
}

/** Every dimension whose score dropped by more than `points` (a drop of exactly `points` passes). */
export function dimensionDrops(cmp: Pick<RunComparison, 'models'>, points: number): { model: string; dimension: string; a: number; b: number; delta: number }[] {
  const out: { model: string; dimension: string; a: number; b: number; delta: number }[] = [];
  for (const m of cmp.models) {
    for (const [dimension, d] of Object.entries(m.dimensions)) {
      if (d.a !== null && d.b !== null && d.delta !== null && -d.delta > points) out.push({ model: m.model, dimension, a: d.a, b: d.b, delta: d.delta });
    }
  }
  return out;
}

interface ChangedRow {
  case_id: string; model: string; dimension: string; subdimension: string; tags_json: string;
  label_a: string; score_a: number | null; label_b: string; score_b: number | null;
}

/**
 * Cases judged in both runs (same case id and model) whose label or score differs, in run A's case order,
 * a page at a time (offset / limit), with the total count.
 */
export function changedVerdicts(db: Db, runA: string, runB: string, options: CompareOptions = {}): ChangedVerdictPage {
  const offset = Math.max(0, Math.floor(options.changedOffset ?? 0));
  const limit = Math.min(MAX_CHANGED_LIMIT, Math.max(0, Math.floor(options.changedLimit ?? 50)));
  // With human labels, an annotation marking the judgement wrong replaces the judge's label and score.
  const human = options.humanLabels === true;
  const side = (x: 'a' | 'b') =>
    human
      ? { label: `CASE WHEN h${x}.verdict = 'wrong' THEN h${x}.label ELSE j${x}.label END`, score: `CASE WHEN h${x}.verdict = 'wrong' THEN h${x}.score ELSE j${x}.score END` }
      : { label: `j${x}.label`, score: `j${x}.score` };
  const A = side('a');
  const B = side('b');
  const joins = human
    ? `LEFT JOIN annotations ha ON ha.run_id = ja.run_id AND ha.case_id = ja.case_id AND ha.model = ja.model
       LEFT JOIN annotations hb ON hb.run_id = jb.run_id AND hb.case_id = jb.case_id AND hb.model = jb.model`
    : '';
  const from = `FROM judgments ja
    JOIN judgments jb ON jb.run_id = @b AND jb.case_id = ja.case_id AND jb.model = ja.model
    JOIN cases c ON c.run_id = ja.run_id AND c.case_id = ja.case_id
    ${joins}
    WHERE ja.run_id = @a AND ((${A.label}) IS NOT (${B.label}) OR (${A.score}) IS NOT (${B.score}))
    ${options.model !== undefined ? 'AND ja.model = @model' : ''}`;
  const params: Record<string, string> = { a: runA, b: runB };
  if (options.model !== undefined) params.model = options.model;
  const total = (db.prepare(`SELECT COUNT(*) AS n ${from}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT ja.case_id, ja.model, c.dimension, c.subdimension, c.tags_json,
         ${A.label} AS label_a, ${A.score} AS score_a, ${B.label} AS label_b, ${B.score} AS score_b
       ${from} ORDER BY c.seq, ja.model LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit, offset }) as ChangedRow[];
  return {
    total,
    offset,
    limit,
    items: rows.map((r) => ({
      caseId: r.case_id,
      model: r.model,
      dimension: r.dimension,
      subdimension: r.subdimension,
      tags: JSON.parse(r.tags_json) as Record<string, string>,
      a: { label: r.label_a, score: r.score_a },
      b: { label: r.label_b, score: r.score_b },
    })),
  };
}
