/**
 * A per-provider concurrency limit that backs off on rate limiting and recovers:
 * additive increase (one slot per `recoverAfter` successes) up to `max`, multiplicative decrease (halve) on a 429.
 */
export class AdaptiveLimiter {
  private limit: number;
  private inflight = 0;
  private successes = 0;
  private readonly waiters: (() => void)[] = [];
  private lastDecrease = 0;

  constructor(readonly max: number, private readonly recoverAfter = 10) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`concurrency must be a positive integer, got ${max}`);
    this.limit = max;
  }

  get current(): number { return this.limit; }
  get active(): number { return this.inflight; }

  async acquire(): Promise<void> {
    if (this.inflight < this.limit) { this.inflight++; return; }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.inflight--;
    this.drain();
  }

  onSuccess(): void {
    if (this.limit >= this.max) return;
    if (++this.successes >= this.recoverAfter) {
      this.successes = 0;
      this.limit++;
      this.drain();
    }
  }

  /** A 429: halve the limit, at most once per second so one burst of 429s does not collapse it to 1. */
  onRateLimited(now = Date.now()): void {
    this.successes = 0;
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
  }

  private drain(): void {
    while (this.inflight < this.limit && this.waiters.length > 0) {
      this.inflight++;
      this.waiters.shift()!();
    }
  }
}
