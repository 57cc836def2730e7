import type { Db } from './db.js';
import { cohensKappa } from '../judges/quality.js';

/** A person's verdict on one judgement: the judge was right, or wrong and this is the right label. */
export interface Annotation {
  caseId: string;
  model: string;
  verdict: 'correct' | 'wrong';
  /** The right label (verdict 'wrong' only). */
  label: string | null;
  /** Whether the right label passes: 1 or 0 (verdict 'wrong' only). */
  score: number | null;
  note: string | null;
  annotator: string | null;
}

export interface StoredAnnotation extends Annotation { createdAt: string }

/** How often the judge agreed with the people who annotated its judgements, for one group of cases. */
export interface Agreement {
  /** Annotated judgements. */
  n: number;
  /** Of those, annotated as correct. */
  agreed: number;
  /** 0-100, or null when nothing is annotated. */
  rate: number | null;
  /**
   * Cohen's kappa between the judge's labels and the people's (the judge's label where they marked it right, the
   * label they gave where wrong): agreement beyond chance, 1 perfect, 0 chance level; null when undefined (nothing
   * annotated, or one label only).
   */
  kappa: number | null;
}

export interface AgreementReport {
  overall: Agreement;
  /** { "<dimension>": Agreement } */
  byDimension: Record<string, Agreement>;
  /** { "<model>": { "<dimension>": Agreement } } */
  byModel: Record<string, Record<string, Agreement>>;
}

export class AnnotationError extends Error {
  constructor(message: string) { super(message); this.name = 'AnnotationError'; }
}

function agreement(n: number, agreed: number, pairs: { judge: string; human: string }[] = []): Agreement {
  const k = pairs.length ? cohensKappa(pairs.map((p) => p.judge), pairs.map((p) => p.human)) : NaN;
  return { n, agreed, rate: n ? Math.round((1000 * agreed) / n) / 10 : null, kappa: Number.isFinite(k) ? Math.round(1000 * k) / 1000 : null };
}

/** Check an annotation's fields: a 'wrong' verdict needs the right label and a score of 0 or 1; 'correct' carries neither. */
export function validateAnnotation(a: Annotation): Annotation {
  if (a.verdict !== 'correct' && a.verdict !== 'wrong') throw new AnnotationError('verdict must be "correct" or "wrong"');
  if (!a.caseId || !a.model) throw new AnnotationError('caseId and model are required');
  if (a.verdict === 'correct') return { ...a, label: null, score: null };
  const label = (a.label ?? '').trim();
  if (!label) throw new AnnotationError('a "wrong" verdict needs the right label');
  if (label.length > 200) throw new AnnotationError('label is longer than 200 characters');
  if (a.score !== 0 && a.score !== 1) throw new AnnotationError('a "wrong" verdict needs score 1 (the right label passes) or 0 (it fails)');
  return { ...a, label };
}

export class AnnotationStore {
  constructor(private readonly db: Db) {}

  /** Store a person's verdict on a judgement; a later one for the same run, case and model replaces it. */
  save(runId: string, input: Annotation): StoredAnnotation {
    const a = validateAnnotation(input);
    const createdAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO annotations (run_id, case_id, model, verdict, label, score, note, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, case_id, model) DO UPDATE SET verdict = excluded.verdict, label = excluded.label, score = excluded.score,
           note = excluded.note, annotator = excluded.annotator, created_at = excluded.created_at`,
      )
      .run(runId, a.caseId, a.model, a.verdict, a.label, a.score, a.note, a.annotator, createdAt);
    return { ...a, createdAt };
  }

  get(runId: string, caseId: string, model: string): StoredAnnotation | undefined {
    const row = this.db.prepare('SELECT * FROM annotations WHERE run_id = ? AND case_id = ? AND model = ?').get(runId, caseId, model) as AnnotationRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every annotation of one case (one per model at most). */
  forCase(runId: string, caseId: string): StoredAnnotation[] {
    return (this.db.prepare('SELECT * FROM annotations WHERE run_id = ? AND case_id = ? ORDER BY model').all(runId, caseId) as AnnotationRow[]).map(fromRow);
  }

  count(runId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM annotations WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  /** The judge's agreement with the annotations of a run: overall, per dimension, and per model and dimension. */
  agreement(runId: string): AgreementReport {
    const rows = this.db
      .prepare(
        `SELECT a.model, c.dimension, a.verdict, a.label AS human, j.label AS judge
         FROM annotations a
         JOIN cases c ON c.run_id = a.run_id AND c.case_id = a.case_id
         LEFT JOIN judgments j ON j.run_id = a.run_id AND j.case_id = a.case_id AND j.model = a.model
         WHERE a.run_id = ? ORDER BY a.model, c.dimension`,
      )
      .all(runId) as { model: string; dimension: string; verdict: 'correct' | 'wrong'; human: string | null; judge: string | null }[];
    type Group = { n: number; agreed: number; pairs: { judge: string; human: string }[] };
    const group = (): Group => ({ n: 0, agreed: 0, pairs: [] });
    const all = group();
    const byDim = new Map<string, Group>();
    const byModelDim = new Map<string, Map<string, Group>>();
    for (const r of rows) {
      const judge = r.judge ?? '';
      const pair = { judge, human: r.verdict === 'correct' ? judge : r.human ?? '' };
      const perModel = byModelDim.get(r.model) ?? new Map<string, Group>();
      byModelDim.set(r.model, perModel);
      if (!byDim.has(r.dimension)) byDim.set(r.dimension, group());
      if (!perModel.has(r.dimension)) perModel.set(r.dimension, group());
      for (const g of [all, byDim.get(r.dimension)!, perModel.get(r.dimension)!]) {
        g.n++;
        if (r.verdict === 'correct') g.agreed++;
        g.pairs.push(pair);
      }
    }
    const of = (g: Group) => agreement(g.n, g.agreed, g.pairs);
    return {
      overall: of(all),
      byDimension: Object.fromEntries([...byDim.entries()].map(([k, v]) => [k, of(v)])),
      byModel: Object.fromEntries([...byModelDim.entries()].map(([m, dims]) => [m, Object.fromEntries([...dims.entries()].map(([d, g]) => [d, of(g)]))])),
    };
  }
}

interface AnnotationRow {
  case_id: string; model: string; verdict: 'correct' | 'wrong'; label: string | null; score: number | null;
  note: string | null; annotator: string | null; created_at: string;
}

function fromRow(r: AnnotationRow): StoredAnnotation {
  return { caseId: r.case_id, model: r.model, verdict: r.verdict, label: r.label, score: r.score, note: r.note, annotator: r.annotator, createdAt: r.created_at };
}
