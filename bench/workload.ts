/**
 * The benchmark workload: N single-turn safety prompts, the same for every tool. `trustgen generate` builds
 * the jailbreak cases once (seed 1); the single-message ones are taken in order and, past the first
 * pass, repeated with a numbered suffix so every prompt is distinct (no cache can answer it). The set is
 * written as a trustgen test set (for `run --cases`) and the prompts as a list (for promptfoo).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Case } from '../src/core/case.js';
import { readTestSet, writeTestSet } from '../src/core/test-set.js';

const CLI = resolve('dist/src/cli/main.js');

export interface Workload { setFile: string; prompts: string[] }

function userText(c: Case): string {
  const m = c.messages[0];
  return typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}

/** The base cases: single-turn jailbreak prompts from `trustgen generate` (built once per bench folder). */
function baseCases(dir: string): Case[] {
  const file = join(dir, 'base-set.jsonl');
  try {
    return readTestSet(file).cases.filter(single);
  } catch {
    /* not built yet */
  }
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, 'base.yaml');
  writeFileSync(cfg, 'safety:\n  subdimensions: [jailbreak]\n');
  execFileSync(process.execPath, [CLI, 'generate', '--config', cfg, '--dimensions', 'safety', '--size', '2000', '--seed', '1', '--out', file], {
    env: { PATH: process.env.PATH, TRUSTGEN_HOME: join(dir, 'home'), OLLAMA_HOST: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readTestSet(file).cases.filter(single);
}

function single(c: Case): boolean {
  return c.messages.length === 1 && c.messages[0].role === 'user' && !/\{\{|\{%|\{#/.test(userText(c));
}

export function buildWorkload(dir: string, n: number): Workload {
  const setFile = join(dir, `set-${n}.jsonl`);
  const base = baseCases(dir);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length];
    const round = Math.floor(i / base.length);
    const text = round === 0 ? userText(b) : `${userText(b)} (${round})`;
    cases.push({ ...b, id: `bench-${i}`, messages: [{ role: 'user', content: text }] });
  }
  writeTestSet(setFile, { dimensions: ['safety'], seed: 1, generator: null, size: n, trustgenVersion: 'bench' }, cases);
  return { setFile, prompts: cases.map(userText) };
}
