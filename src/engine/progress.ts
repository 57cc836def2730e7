import cliProgress from 'cli-progress';

export interface ProgressSink {
  start(label: string, total: number): void;
  tick(delta: { done?: number; errors?: number; cached?: number }): void;
  stop(): void;
  log(message: string): void;
}

function fmtRate(done: number, ms: number): string {
  return ms > 0 ? (done / (ms / 1000)).toFixed(1) : '0';
}

/** A bar with counts, rate, ETA and errors on a terminal; plain lines (about every 10% or 5 s) otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressSink {
  if (quiet) return { start() {}, tick() {}, stop() {}, log() {} };
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

class BarProgress implements ProgressSink {
  private bar: cliProgress.SingleBar | undefined;
  private errors = 0;
  private cached = 0;
  private done = 0;
  private startedAt = Date.now();
  constructor(private readonly stream: NodeJS.WriteStream) {}
  start(label: string, total: number): void {
    this.stop();
    this.errors = 0; this.cached = 0; this.done = 0;
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: `${label.padEnd(9)} {bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | cached {cached} | errors {errors}`,
      hideCursor: true,
      etaBuffer: 200,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(total, 0, { rate: '0', cached: 0, errors: 0 });
    this.startedAt = Date.now();
  }
  tick(d: { done?: number; errors?: number; cached?: number }): void {
    this.done += d.done ?? 0;
    this.errors += d.errors ?? 0;
    this.cached += d.cached ?? 0;
    this.bar?.update(this.done, { rate: fmtRate(this.done, Date.now() - this.startedAt), cached: this.cached, errors: this.errors });
  }
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
  log(message: string): void {
    if (this.bar) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }
}

class LineProgress implements ProgressSink {
  private label = '';
  private total = 0;
  private done = 0;
  private errors = 0;
  private cached = 0;
  private startedAt = 0;
  private lastAt = 0;
  private lastPct = -1;
  constructor(private readonly stream: NodeJS.WriteStream) {}
  start(label: string, total: number): void {
    Object.assign(this, { label, total, done: 0, errors: 0, cached: 0, startedAt: Date.now(), lastAt: Date.now(), lastPct: -1 });
  }
  tick(d: { done?: number; errors?: number; cached?: number }): void {
    this.done += d.done ?? 0;
    this.errors += d.errors ?? 0;
    this.cached += d.cached ?? 0;
    const pct = this.total ? Math.floor((this.done / this.total) * 10) : 10;
    const now = Date.now();
    if (pct !== this.lastPct || now - this.lastAt > 5000 || this.done === this.total) {
      this.lastPct = pct;
      this.lastAt = now;
      this.print();
    }
  }
  private print(): void {
    const elapsed = Date.now() - this.startedAt;
    const rate = this.done / Math.max(elapsed / 1000, 1e-3);
    const eta = rate > 0 ? Math.round((this.total - this.done) / rate) : 0;
    this.stream.write(`${this.label}: ${this.done}/${this.total} (${fmtRate(this.done, elapsed)}/s, ETA ${eta}s, cached ${this.cached}, errors ${this.errors})\n`);
  }
  stop(): void {}
  log(message: string): void {
    this.stream.write(`${message}\n`);
  }
}
