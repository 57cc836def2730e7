/**
 * `npm run bench`: trustgen against promptfoo 0.120 on the same workload, then trustgen alone at 100,000 cases.
 *
 *   npm run bench -- [--cases N] [--latency MS] [--big N] [--big-latency MS] [--skip-promptfoo] [--skip-100k]
 *
 * Both tools send the same N prompts (default 2,000) at concurrency 50 to the OpenAI-compatible test server,
 * which runs as a separate process with a set latency (default 50 ms), so its CPU and memory are not counted.
 * Each tool is measured as a process tree: wall time, CPU (user + system, GNU time when present) and the peak
 * of the tree's summed RSS. A 1-case run of each gives its fixed start-up cost. Then trustgen runs --big cases
 * (default 100,000) while its RSS is sampled, and a second such run is killed (-9) halfway and resumed.
 * Figures are printed, never asserted.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { measure, killTree, type Measurement } from './measure.js';
import { ensurePromptfoo, promptfooArgs, promptfooEnv, writePromptfooConfig } from './promptfoo.js';
import { startBenchServer, type BenchServer } from './server.js';
import { buildWorkload } from './workload.js';

const CLI = resolve('dist/src/cli/main.js');
const CONCURRENCY = 50;
const MODEL = 'openai:bench-model';

interface Options { cases: number; latency: number; big: number; bigLatency: number; skipPromptfoo: boolean; skipBig: boolean }

function parseOptions(argv: string[]): Options {
  const o: Options = { cases: Number(process.env.BENCH_CASES ?? 2000), latency: 50, big: 100_000, bigLatency: 0, skipPromptfoo: false, skipBig: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} expects a number`);
      return v;
    };
    if (a === '--cases') o.cases = num();
    else if (a === '--latency') o.latency = num();
    else if (a === '--big') o.big = num();
    else if (a === '--big-latency') o.bigLatency = num();
    else if (a === '--skip-promptfoo') o.skipPromptfoo = true;
    else if (a === '--skip-100k') o.skipBig = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const log = (m: string): void => { process.stderr.write(`${m}\n`); };
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

function trustgenEnv(home: string, url: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, TRUSTGEN_HOME: home, OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-bench', OLLAMA_HOST: 'http://127.0.0.1:9', HF_ENDPOINT: 'http://127.0.0.1:9' };
}

async function trustgenRun(home: string, url: string, setFile: string, extra: string[] = []): Promise<Measurement> {
  const out = join(home, `out-${Date.now()}`);
  const m = await measure(process.execPath, [CLI, 'run', '--cases', setFile, '--model', MODEL, '--concurrency', String(CONCURRENCY), '--quiet', '--out', out, ...extra], { env: trustgenEnv(home, url) });
  if (m.code !== 0) throw new Error(`trustgen exited with ${m.code ?? m.signal}\n${m.stderr.slice(-2000)}`);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { meta: { calls: { total: number; errors: number } } };
  if (doc.meta.calls.errors > 0) throw new Error(`trustgen recorded ${doc.meta.calls.errors} errors`);
  return m;
}

async function promptfooRun(entry: string, dir: string, url: string, prompts: string[]): Promise<Measurement> {
  const cfg = writePromptfooConfig(dir, url, prompts);
  const out = join(dir, `results-${prompts.length}-${Date.now()}.json`);
  const m = await measure(process.execPath, [...promptfooArgs(entry, cfg), '-o', out], { env: promptfooEnv(dir, url), cwd: dir });
  if (!existsSync(out)) throw new Error(`promptfoo wrote no results (exit ${m.code ?? m.signal})\n${m.stderr.slice(-2000)}`);
  const stats = (JSON.parse(readFileSync(out, 'utf8')) as { results: { stats: { successes: number; failures: number; errors: number } } }).results.stats;
  if (stats.successes !== prompts.length) throw new Error(`promptfoo: ${stats.successes} successes, ${stats.failures} failures, ${stats.errors} errors of ${prompts.length}\n${m.stderr.slice(-2000)}`);
  return m;
}

function describe(name: string, m: Measurement, n: number, base?: Measurement): string {
  const marginal = base ? `, ${fmt((m.cpuMs - base.cpuMs) / n, 3)} ms CPU per case after start-up` : '';
  return `  ${name.padEnd(22)} ${fmt(m.wallMs / 1000, 2)} s wall, ${fmt(m.cpuMs, 0)} ms CPU (${fmt(m.cpuMs / n, 3)} ms per case${marginal}), peak RSS ${m.peakTreeRssMb} MB`;
}

async function compare(o: Options, server: BenchServer, work: string): Promise<string[]> {
  const lines: string[] = [];
  const one = buildWorkload(work, 1);
  const all = buildWorkload(work, o.cases);
  const bound = Math.ceil(o.cases / CONCURRENCY) * o.latency;
  lines.push(`${o.cases} prompts, concurrency ${CONCURRENCY}, server latency ${o.latency} ms (latency bound ${bound} ms = ceil(${o.cases}/${CONCURRENCY}) x ${o.latency} ms)`);

  log('trustgen: start-up (1 case)...');
  const tBase = await trustgenRun(mkdtempSync(join(tmpdir(), 'tg-bench-')), server.url, one.setFile);
  log(`trustgen: ${o.cases} cases...`);
  const home = mkdtempSync(join(tmpdir(), 'tg-bench-'));
  const t = await trustgenRun(home, server.url, all.setFile);
  log('trustgen: the same again, answered from the response cache...');
  const tWarm = await trustgenRun(home, server.url, all.setFile);
  rmSync(home, { recursive: true, force: true });
  lines.push('trustgen:', describe('start-up (1 case)', tBase, 1), describe(`${o.cases} cases`, t, o.cases, tBase), describe('cached rerun', tWarm, o.cases, tBase));
  if (bound > 0) lines.push(`  wall / latency bound:  ${fmt(t.wallMs / bound, 2)}x (${fmt((t.wallMs - tBase.wallMs) / bound, 2)}x without start-up)`);
  lines.push(`  CPU measured by ${t.cpuSource}`);
  if (o.skipPromptfoo) return lines;

  const { entry, version } = ensurePromptfoo(log);
  const pfDir = join(work, 'promptfoo-run');
  mkdirSync(pfDir, { recursive: true });
  log(`promptfoo ${version}: start-up (1 case)...`);
  const pBase = await promptfooRun(entry, pfDir, server.url, one.prompts);
  log(`promptfoo ${version}: ${o.cases} cases...`);
  const p = await promptfooRun(entry, pfDir, server.url, all.prompts);
  lines.push(`promptfoo ${version}:`, describe('start-up (1 case)', pBase, 1), describe(`${o.cases} cases`, p, o.cases, pBase));
  if (bound > 0) lines.push(`  wall / latency bound:  ${fmt(p.wallMs / bound, 2)}x (${fmt((p.wallMs - pBase.wallMs) / bound, 2)}x without start-up)`);
  const perCase = (m: Measurement, b: Measurement) => (m.cpuMs - b.cpuMs) / o.cases;
  lines.push(
    'promptfoo / trustgen:',
    `  wall time             ${fmt(p.wallMs / t.wallMs, 2)}x`,
    `  CPU per case          ${fmt(p.cpuMs / t.cpuMs, 2)}x total, ${fmt(perCase(p, pBase) / Math.max(perCase(t, tBase), 1e-3), 2)}x after start-up`,
    `  peak RSS              ${fmt(p.peakTreeRssMb / t.peakTreeRssMb, 2)}x`,
  );
  return lines;
}

function responsesStored(home: string): number {
  const file = join(home, 'trustgen.db');
  if (!existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM responses').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // the schema is not created yet, or the file is busy
  }
}

function runIdIn(home: string): string {
  const db = new Database(join(home, 'trustgen.db'), { readonly: true });
  try {
    return (db.prepare('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1').get() as { id: string }).id;
  } finally {
    db.close();
  }
}

/** RSS at each tenth of the run's duration, to show whether memory stays flat. */
function rssProfile(m: Measurement): string {
  const s = m.rssSeries;
  if (s.length === 0) return '(no samples)';
  const end = s.at(-1)![0];
  const at = (f: number): number => (s.find(([t]) => t >= f * end) ?? s.at(-1)!)[1];
  return [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((f) => `${Math.round(f * 100)}%: ${at(f)}`).join(', ');
}

async function big(o: Options, work: string): Promise<string[]> {
  const server = await startBenchServer(o.bigLatency);
  const lines: string[] = [`trustgen alone, ${o.big} cases, concurrency ${CONCURRENCY}, server latency ${o.bigLatency} ms:`];
  try {
    const set = buildWorkload(work, o.big);
    log(`trustgen: ${o.big} cases...`);
    const home = mkdtempSync(join(tmpdir(), 'tg-bench-big-'));
    const full = await trustgenRun(home, server.url, set.setFile);
    rmSync(home, { recursive: true, force: true });
    lines.push(describe(`${o.big} cases`, full, o.big), `  RSS (MB) over the run, by share of its duration: ${rssProfile(full)}`);

    log(`trustgen: ${o.big} cases, killed with -9 halfway...`);
    const rHome = mkdtempSync(join(tmpdir(), 'tg-bench-resume-'));
    const half = Math.floor(o.big / 2);
    let stored = 0;
    const killed = await measure(process.execPath, [CLI, 'run', '--cases', set.setFile, '--model', MODEL, '--concurrency', String(CONCURRENCY), '--quiet'], {
      env: trustgenEnv(rHome, server.url),
      onStart: (child) => {
        const poll = setInterval(() => {
          stored = responsesStored(rHome);
          if (stored >= half) {
            clearInterval(poll);
            killTree(child.pid!);
          }
        }, 250);
        child.once('close', () => clearInterval(poll));
      },
    });
    if (killed.code === 0) throw new Error('the run finished before it could be killed');
    const runId = runIdIn(rHome);
    const before = responsesStored(rHome);
    log(`killed at ${before} stored answers; resuming...`);
    const resumed = await measure(process.execPath, [CLI, 'run', '--resume', runId, '--quiet', '--out', join(rHome, 'o')], { env: trustgenEnv(rHome, server.url) });
    if (resumed.code !== 0) throw new Error(`resume exited with ${resumed.code}\n${resumed.stderr.slice(-2000)}`);
    const again = await measure(process.execPath, [CLI, 'run', '--resume', runId, '--quiet', '--out', join(rHome, 'o2')], { env: trustgenEnv(rHome, server.url) });
    if (again.code !== 0) throw new Error(`resume of the finished run exited with ${again.code}\n${again.stderr.slice(-2000)}`);
    const after = responsesStored(rHome);
    rmSync(rHome, { recursive: true, force: true });
    lines.push(
      `  killed (-9) after ${fmt(killed.wallMs / 1000, 1)} s with ${before} of ${o.big} answers stored`,
      describe('--resume to the end', resumed, o.big - before),
      describe('--resume of the finished run', again, o.big),
      `  answers stored after resuming: ${after} (expected ${o.big})`,
    );
  } finally {
    server.close();
  }
  return lines;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const work = join(tmpdir(), 'trustgen-bench-work');
  mkdirSync(work, { recursive: true });
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
  const lines: string[] = [`trustgen bench, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs, load average at start ${load()}`];
  const server = await startBenchServer(o.latency);
  try {
    lines.push(...(await compare(o, server, work)));
  } finally {
    server.close();
  }
  lines.push(`load average after the comparison: ${load()}`);
  if (!o.skipBig) lines.push(...(await big(o, work)), `load average at the end: ${load()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => { process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`); process.exit(1); });
