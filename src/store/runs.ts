import type { Db } from './db.js';

export type RunStatus = 'running' | 'interrupted' | 'complete' | 'complete_with_errors' | 'failed';
export type Stage = 'curate' | 'build' | 'vary' | 'respond' | 'judge' | 'score';

export interface RunRow {
  id: string;
  created_at: string;
  updated_at: string;
  status: RunStatus;
  config_json: string;
  seed: number;
  trustgen_version: string;
  results_json: string | null;
}

export class RunStore {
  constructor(private readonly db: Db) {}

  create(id: string, config: unknown, seed: number, version: string): void {
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT INTO runs (id, created_at, updated_at, status, config_json, seed, trustgen_version) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, now, now, 'running', JSON.stringify(config), seed, version);
  }

  get(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  list(limit = 50): RunRow[] {
    return this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC LIMIT ?').all(limit) as RunRow[];
  }

  setStatus(id: string, status: RunStatus): void {
    this.db.prepare('UPDATE runs SET status = ?, updated_at = ? WHERE id = ?').run(status, new Date().toISOString(), id);
  }

  saveResults(id: string, status: RunStatus, results: unknown): void {
    this.db
      .prepare('UPDATE runs SET status = ?, results_json = ?, updated_at = ? WHERE id = ?')
      .run(status, JSON.stringify(results), new Date().toISOString(), id);
  }

  /** Delete a run that holds no cases yet (its stages go with it). */
  remove(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_stages WHERE run_id = ?').run(id);
      this.db.prepare('DELETE FROM runs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM cases WHERE run_id = ?)').run(id, id);
    })();
  }

  stageDone(id: string, stage: Stage, count: number): void {
    this.db
      .prepare('INSERT INTO run_stages (run_id, stage, status, count, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(run_id, stage) DO UPDATE SET status = excluded.status, count = excluded.count, updated_at = excluded.updated_at')
      .run(id, stage, 'done', count, new Date().toISOString());
  }

  isStageDone(id: string, stage: Stage): boolean {
    return !!this.db.prepare("SELECT 1 FROM run_stages WHERE run_id = ? AND stage = ? AND status = 'done'").get(id, stage);
  }

}
