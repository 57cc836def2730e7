import type { Case } from '../core/case.js';
import type { Db } from './db.js';

export interface CaseRow {
  case_id: string; seq: number; dimension: string; subdimension: string; modality: string;
  messages_json: string; judge_json: string; tags_json: string; provenance_json: string; expected_json?: string | null;
}

export interface StoredCase extends Case { seq: number }

export function caseFromRow(r: CaseRow): StoredCase {
  return {
    id: r.case_id,
    seq: r.seq,
    dimension: r.dimension,
    subdimension: r.subdimension,
    modality: r.modality as Case['modality'],
    messages: JSON.parse(r.messages_json),
    judge: JSON.parse(r.judge_json),
    tags: JSON.parse(r.tags_json),
    provenance: JSON.parse(r.provenance_json),
    ...(r.expected_json ? { expected: JSON.parse(r.expected_json) } : {}),
  };
}

export class CaseStore {
  constructor(private readonly db: Db) {}

  /** Store a run's cases in one transaction, numbered from firstSeq. Duplicate ids (equal content) are kept once. Returns the count stored. */
  insertAll(runId: string, cases: Case[], firstSeq = 0): number {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO cases (run_id, case_id, seq, dimension, subdimension, modality, messages_json, judge_json, tags_json, provenance_json, expected_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let stored = 0;
    this.db.transaction(() => {
      cases.forEach((c, i) => {
        stored += insert.run(runId, c.id, firstSeq + i, c.dimension, c.subdimension, c.modality, JSON.stringify(c.messages), JSON.stringify(c.judge), JSON.stringify(c.tags), JSON.stringify(c.provenance), c.expected ? JSON.stringify(c.expected) : null).changes;
      });
    })();
    return stored;
  }

  count(runId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM cases WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  /**
   * Cases of a run that have no successful response from `model` yet, in build order, a page at a time
   * (so a 100,000-case run never sits in memory whole).
   */
  pendingForModel(runId: string, model: string, afterSeq: number, pageSize: number): StoredCase[] {
    const rows = this.db
      .prepare(
        `SELECT c.* FROM cases c
         LEFT JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = ? AND r.status = 'ok'
         WHERE c.run_id = ? AND c.seq > ? AND r.case_id IS NULL
         ORDER BY c.seq LIMIT ?`,
      )
      .all(model, runId, afterSeq, pageSize) as CaseRow[];
    return rows.map(caseFromRow);
  }
}
