import { scoreRun } from '../report/score.js';
import type { ResultsDoc } from '../report/types.js';
import type { Db } from '../store/db.js';
import type { RunRow } from '../store/runs.js';

/**
 * A run's results documents, scored from the store (judge labels, or human labels taking precedence) and kept
 * while the run is not running and has not changed since; annotations drop the human-label document.
 */
export class ScoreCache {
  private readonly docs = new Map<string, { updatedAt: string; doc: ResultsDoc }>();

  constructor(private readonly db: Db) {}

  get(run: RunRow, humanLabels: boolean): ResultsDoc {
    const key = `${run.id}\u0000${humanLabels ? 'human' : 'judge'}`;
    const hit = this.docs.get(key);
    if (hit && hit.updatedAt === run.updated_at && run.status !== 'running') return hit.doc;
    const doc = scoreRun(this.db, run.id, { humanLabels });
    if (run.status !== 'running') this.docs.set(key, { updatedAt: run.updated_at, doc });
    else this.docs.delete(key);
    return doc;
  }

  /** Annotations changed: the human-label scores of this run are stale. */
  annotated(runId: string): void {
    this.docs.delete(`${runId}\u0000human`);
  }
}
