import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTinyGguf } from '../fixtures/gguf.js';
import { cleanEnv, runCli, tempHome } from './cli.js';

describe('trustgen run on a local GGUF through node-llama-cpp', { timeout: 180_000 }, () => {
  it('evaluates a tiny random-weights model end to end', async () => {
    const home = tempHome();
    const gguf = join(home, 'tiny.gguf');
    await writeTinyGguf(gguf, { seed: 1 });
    const cfg = join(home, 'trustgen.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, `models: ["llama:${gguf}"]\nlimit: 4\ndimensions: [safety]\nparams: { maxTokens: 8 }\n`);
    const r = await runCli(['run', '--config', cfg, '--out', join(home, 'o')], cleanEnv({ TRUSTGEN_HOME: home, TRUSTGEN_LLAMA_THREADS: '1' }));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const model = `llama:${gguf}`;
    assert.equal(doc.details[model].safety.n, 4);
    assert.equal(typeof doc.scores[model].safety, 'number');
    const missing = await runCli(['run', '--model', `llama:${join(home, 'nope.gguf')}`, '--limit', '1'], cleanEnv({ TRUSTGEN_HOME: home }));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.gguf/);
  });
});
