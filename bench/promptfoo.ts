/**
 * promptfoo 0.120 as the peer: installed by the bench into its own folder (the newest 0.120.x, the last
 * line that runs on Node 20), configured with an OpenAI provider pointed at the local test server, the
 * same prompts as tests, maxConcurrency 50, cache off, no telemetry, no update check, no sharing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PROMPTFOO_DIR = process.env.TRUSTGEN_BENCH_PROMPTFOO_DIR ?? join(homedir(), '.cache', 'trustgen-bench', 'promptfoo');
const LINE = '0.120';

function installedVersion(dir: string): string | undefined {
  const pkg = join(dir, 'node_modules', 'promptfoo', 'package.json');
  if (!existsSync(pkg)) return undefined;
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function newestOfLine(): string {
  const out = execFileSync('npm', ['view', `promptfoo@${LINE}`, 'version', '--json'], { encoding: 'utf8' });
  const versions = ([] as string[]).concat(JSON.parse(out) as string | string[]);
  versions.sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  const newest = versions.at(-1);
  if (!newest) throw new Error(`npm lists no promptfoo@${LINE}`);
  return newest;
}

/** Install promptfoo 0.120.x into PROMPTFOO_DIR unless it is there; return the entry script and version. */
export function ensurePromptfoo(log: (m: string) => void): { entry: string; version: string } {
  let version = installedVersion(PROMPTFOO_DIR);
  if (!version?.startsWith(`${LINE}.`)) {
    const wanted = newestOfLine();
    log(`installing promptfoo@${wanted} into ${PROMPTFOO_DIR} (once)...`);
    mkdirSync(PROMPTFOO_DIR, { recursive: true });
    execFileSync('npm', ['install', '--prefix', PROMPTFOO_DIR, '--no-audit', '--no-fund', '--omit=dev', `promptfoo@${wanted}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    version = installedVersion(PROMPTFOO_DIR);
    if (!version) throw new Error('promptfoo did not install');
  }
  return { entry: join(PROMPTFOO_DIR, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js'), version };
}

/** Write a promptfoo config for the prompts; return its path. */
export function writePromptfooConfig(dir: string, url: string, prompts: string[]): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `promptfooconfig-${prompts.length}.json`);
  const config = {
    description: `trustgen bench: ${prompts.length} prompts`,
    prompts: ['{{prompt}}'],
    providers: [{ id: 'openai:chat:bench-model', config: { apiBaseUrl: url, apiKey: 'sk-bench', temperature: 0, max_tokens: 512 } }],
    tests: prompts.map((prompt) => ({ vars: { prompt } })),
    evaluateOptions: { maxConcurrency: 50, cache: false, showProgressBar: false },
    sharing: false,
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The environment for `promptfoo eval`: its own config folder, nothing sent anywhere but the test server. */
export function promptfooEnv(dir: string, url: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    PROMPTFOO_CONFIG_DIR: join(dir, 'config'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_CACHE_ENABLED: 'false',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: 'true',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: url,
    NO_COLOR: '1',
  };
}

export function promptfooArgs(entry: string, configFile: string): string[] {
  return [entry, 'eval', '-c', configFile, '--no-cache', '-j', '50', '--no-table', '--no-progress-bar', '--no-share'];
}
