import type { Db } from './db.js';

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

function agreement(n: number, agreed: number): Agreement {
  return { n, agreed, rate: n ? Math.round((1000 * agreed) / n) / 10 : null };
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
        `SELECT a.model, c.dimension, COUNT(*) AS n, SUM(a.verdict = 'correct') AS agreed
         FROM annotations a JOIN cases c ON c.run_id = a.run_id AND c.case_id = a.case_id
         WHERE a.run_id = ? GROUP BY a.model, c.dimension ORDER BY a.model, c.dimension`,
      )
      .all(runId) as { model: string; dimension: string; n: number; agreed: number }[];
    const byDim = new Map<string, { n: number; agreed: number }>();
    const byModel: AgreementReport['byModel'] = {};
    let n = 0;
    let agreed = 0;
    for (const r of rows) {
      n += r.n;
      agreed += r.agreed;
      const d = byDim.get(r.dimension) ?? { n: 0, agreed: 0 };
      d.n += r.n;
      d.agreed += r.agreed;
      byDim.set(r.dimension, d);
      (byModel[r.model] ??= {})[r.dimension] = agreement(r.n, r.agreed);
    }
    return {
      overall: agreement(n, agreed),
      byDimension: Object.fromEntries([...byDim.entries()].map(([k, v]) => [k, agreement(v.n, v.agreed)])),
      byModel,
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
