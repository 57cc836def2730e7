import type { Db } from './db.js';

/**
 * Groups the writes of one event-loop turn into a single SQLite transaction. A model answer is queued
 * the moment it arrives and committed before the next turn of the loop (setImmediate), so a killed
 * process loses at most the answers of the turn in progress, while the per-answer cost of a commit is shared.
 */
export class WriteQueue {
  private ops: (() => void)[] = [];
  private scheduled = false;
  private readonly runAll: (ops: (() => void)[]) => void;

  constructor(db: Db) {
    this.runAll = db.transaction((ops: (() => void)[]) => { for (const op of ops) op(); });
  }

  push(op: () => void): void {
    this.ops.push(op);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commit everything queued now. Safe to call at any time, e.g. before reading or on shutdown. */
  flush(): void {
    this.scheduled = false;
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    this.runAll(ops);
  }
}
