import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const CLI = resolve('dist/src/cli/main.js');

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** A fresh TRUSTGEN_HOME in a temp folder. */
export function tempHome(prefix = 'tg-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An environment with no inherited model keys or endpoints, so tests never reach a real service. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT']) if (process.env[k]) env[k] = process.env[k];
  // Closed loopback ports: nothing is listening, so detection fails fast and locally.
  env.OLLAMA_HOST = 'http://127.0.0.1:9';
  env.HF_ENDPOINT = 'http://127.0.0.1:9';
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = startCli(args, env, opts.cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`trustgen ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr }); });
  });
}

export function runIdOf(result: CliResult): string {
  const m = /run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(result.stdout + result.stderr);
  if (!m) throw new Error(`no run id in output:\n${result.stdout}\n${result.stderr}`);
  return m[1];
}

/** Read the store the way a user's other tools would: read-only. */
export function openStore(home: string): Database.Database {
  return new Database(join(home, 'trustgen.db'), { readonly: true });
}
