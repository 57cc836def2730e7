/**
 * Measure a command as a process tree: wall time, CPU time (user + system of the process and every child it
 * waited for, from GNU time when /usr/bin/time exists, else from /proc samples) and the peak of the tree's
 * summed resident memory (sampled from /proc every 100 ms; a sample series is kept to show whether memory
 * stays flat).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const PAGE_KB = 4;
const CLOCK_TICKS = 100;

export interface Measurement {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** user + system CPU of the whole tree, in ms. */
  cpuMs: number;
  /** Peak of the summed RSS of the process tree, in MB (sampled). */
  peakTreeRssMb: number;
  /** [ms since start, tree RSS MB] every sample. */
  rssSeries: [number, number][];
  cpuSource: 'gnu-time' | 'proc-samples';
  stderr: string;
}

interface ProcStat { pid: number; ppid: number; cpuTicks: number; childTicks: number; rssKb: number }

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17, rss 24.
    const f = (n: number): number => Number(rest[n - 3]);
    return { pid, ppid: f(4), cpuTicks: f(14) + f(15), childTicks: f(16) + f(17), rssKb: f(24) * PAGE_KB };
  } catch {
    return undefined;
  }
}

/** The process and all its descendants, from one pass over /proc. */
export function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const byParent = new Map<number, ProcStat[]>();
  for (const s of all) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return [];
  const out: ProcStat[] = [];
  const queue = [rootStat];
  while (queue.length) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return out;
}

/** Sample a running tree every intervalMs until stop(): peak summed RSS, the series, the last CPU seen. */
export function sampleTree(root: number, intervalMs = 100): { stop(): { peakMb: number; series: [number, number][]; cpuMs: number } } {
  const started = Date.now();
  let peakKb = 0;
  let cpuTicks = 0;
  const series: [number, number][] = [];
  const tick = (): void => {
    const tree = processTree(root);
    if (tree.length === 0) return;
    const kb = tree.reduce((sum, s) => sum + s.rssKb, 0);
    peakKb = Math.max(peakKb, kb);
    cpuTicks = Math.max(cpuTicks, tree.reduce((sum, s) => sum + s.cpuTicks + s.childTicks, 0));
    series.push([Date.now() - started, Math.round(kb / 1024)]);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: Math.round(peakKb / 1024), series, cpuMs: (cpuTicks * 1000) / CLOCK_TICKS };
    },
  };
}

export interface MeasureOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called once the process runs; may kill it (e.g. a kill -9 midway). */
  onStart?: (child: ChildProcess) => void;
  /** Echo the child's stderr to ours. */
  echoStderr?: boolean;
}

export async function measure(command: string, args: string[], opts: MeasureOptions): Promise<Measurement> {
  const gnuTime = existsSync(GNU_TIME);
  const timeFile = join(tmpdir(), `tg-bench-time-${process.pid}-${Date.now()}.txt`);
  const [cmd, argv] = gnuTime ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const child = spawn(cmd, argv, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const sampler = sampleTree(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    if (opts.echoStderr) process.stderr.write(d);
  });
  opts.onStart?.(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const sampled = sampler.stop();
  let cpuMs = sampled.cpuMs;
  let cpuSource: Measurement['cpuSource'] = 'proc-samples';
  if (gnuTime && existsSync(timeFile)) {
    const line = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const [, user, sys] = line.split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) {
      cpuMs = (user + sys) * 1000;
      cpuSource = 'gnu-time';
    }
    rmSync(timeFile, { force: true });
  }
  return { code, signal, wallMs, cpuMs, peakTreeRssMb: sampled.peakMb, rssSeries: sampled.series, cpuSource, stderr };
}

/** kill -9 a process and all its descendants (the measured command, not only the GNU time wrapper). */
export function killTree(root: number): void {
  for (const s of processTree(root).reverse()) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
