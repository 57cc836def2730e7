import type { Db } from './db.js';
import type { WriteQueue } from './write-queue.js';

/** The response cache: model answers keyed by the canonical hash of the request, shared by all runs. */
export class ResponseCache {
  private readonly getStmt;
  private readonly putStmt;
  /** Answers queued for writing but not yet committed: a lookup in the meantime still finds them. */
  private readonly pending = new Map<string, string>();
  constructor(db: Db, private readonly queue?: WriteQueue) {
    this.getStmt = db.prepare('SELECT result_json FROM cache WHERE key = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO cache (key, model, result_json, created_at) VALUES (?, ?, ?, ?)');
  }
  get<T>(key: string): T | undefined {
    const queued = this.pending.get(key);
    if (queued !== undefined) return JSON.parse(queued) as T;
    const row = this.getStmt.get(key) as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as T) : undefined;
  }
  /** Store an answer; with a write queue, it is committed with the other writes of this event-loop turn. */
  put(key: string, model: string, result: unknown): void {
    const json = JSON.stringify(result);
    const at = new Date().toISOString();
    if (!this.queue) {
      this.putStmt.run(key, model, json, at);
      return;
    }
    this.pending.set(key, json);
    this.queue.push(() => {
      this.putStmt.run(key, model, json, at);
      if (this.pending.get(key) === json) this.pending.delete(key);
    });
  }
}
