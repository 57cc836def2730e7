/**
 * `npm run bench`: the harness's own cost per case. trustgen runs N safety cases at concurrency 50
 * through the OpenAI-compatible test server (a separate process, so its CPU is not counted) and reports
 * wall time, harness CPU per case (the CLI's own user+system CPU, less a 1-case run's fixed start-up cost)
 * and peak memory. Figures are ratios and per-case costs, never assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve('dist/src/cli/main.js');
const SERVER = resolve('dist/test/servers/openai-server.js');
const N = Number(process.env.BENCH_CASES ?? 2000);
const CONCURRENCY = 50;

interface Measured { wallMs: number; cpuMs: number; peakRssMb: number; calls: number; cached: number }

async function startServer(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /listening (\S+)/.exec(buf);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`test server exited with ${code}`)));
  });
  return { url, child };
}

async function runOnce(home: string, url: string, cases: number, extra: string[] = []): Promise<Measured> {
  const cfg = join(home, 'bench.yaml');
  writeFileSync(cfg, [
    'models: [openai:bench-model]',
    'dimensions: [safety]',
    `concurrency: ${CONCURRENCY}`,
    `limit: ${cases}`,
    'safety:',
    `  size: ${Math.max(cases, 16)}`,
    '  subdimensions: [jailbreak]',
  ].join('\n'));
  const out = join(home, `out-${Date.now()}`);
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((res) => {
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out, '--quiet', ...extra], {
      env: { PATH: process.env.PATH, TRUSTGEN_HOME: home, OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-bench', OLLAMA_HOST: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', res);
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`trustgen exited with ${code}`);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  return { wallMs, cpuMs: doc.meta.harness.cpuMs, peakRssMb: doc.meta.harness.peakRssMb, calls: doc.meta.calls.total, cached: doc.meta.calls.cached };
}

function fmt(n: number, digits = 1): string { return n.toFixed(digits); }

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const latency of [0, 50]) {
    const server = await startServer(latency);
    const home = mkdtempSync(join(tmpdir(), 'tg-bench-'));
    try {
      const base = await runOnce(mkdtempSync(join(tmpdir(), 'tg-bench-base-')), server.url, 1);
      const cold = await runOnce(home, server.url, N);
      const warm = await runOnce(home, server.url, N);
      const perCase = (m: Measured) => (m.cpuMs - base.cpuMs) / m.calls;
      const bound = Math.ceil(N / CONCURRENCY) * latency;
      rows.push(
        `latency ${latency} ms, ${cold.calls} cases, concurrency ${CONCURRENCY}:`,
        `  start-up (1 case):         ${fmt(base.wallMs, 0)} ms wall, ${base.cpuMs} ms CPU, ${base.peakRssMb} MB peak RSS`,
        `  cold run:                  ${fmt(cold.wallMs, 0)} ms wall, ${cold.cpuMs} ms CPU, ${cold.peakRssMb} MB peak RSS`,
        `  harness CPU per case:      ${fmt(perCase(cold), 3)} ms (cold, after start-up)`,
        `  cached rerun:              ${fmt(warm.wallMs, 0)} ms wall, ${warm.cpuMs} ms CPU, ${fmt(perCase(warm), 3)} ms CPU per case (${warm.cached} cached)`,
        ...(latency > 0 ? [`  wall / latency bound:      ${fmt((cold.wallMs - base.wallMs) / bound, 2)}x (bound ${bound} ms = ceil(${N}/${CONCURRENCY}) x ${latency} ms; start-up excluded)`] : []),
        `  vs promptfoo 0.120 (about 18 ms CPU per case on this workload, DESIGN.md): ${fmt(18 / Math.max(perCase(cold), 1e-3), 1)}x less CPU per case`,
      );
    } finally {
      server.child.kill();
      rmSync(home, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e) => { process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`); process.exit(1); });
