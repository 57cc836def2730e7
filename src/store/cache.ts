import type { Db } from './db.js';

/** The response cache: model answers keyed by the canonical hash of the request, shared by all runs. */
export class ResponseCache {
  private readonly getStmt;
  private readonly putStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT result_json FROM cache WHERE key = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO cache (key, model, result_json, created_at) VALUES (?, ?, ?, ?)');
  }
  get<T>(key: string): T | undefined {
    const row = this.getStmt.get(key) as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as T) : undefined;
  }
  put(key: string, model: string, result: unknown): void {
    this.putStmt.run(key, model, JSON.stringify(result), new Date().toISOString());
  }
}
