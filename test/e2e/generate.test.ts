import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, runIdOf, tempHome } from './cli.js';

describe('trustgen generate and run --cases', { timeout: 180_000 }, () => {
  let server: TestServer;
  before(async () => { server = await startOpenAIServer(); });
  after(async () => { await server.close(); });
  const env = (home: string) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' });

  it('the same seed gives a byte-identical set; another seed another sample; provenance on every case', async () => {
    const home = tempHome();
    const a = join(home, 'a.jsonl'), b = join(home, 'b.jsonl'), c = join(home, 'c.jsonl');
    assert.equal((await runCli(['generate', '--dimensions', 'safety', '--size', '40', '--out', a], env(home))).code, 0);
    assert.equal((await runCli(['generate', '--dimensions', 'safety', '--size', '40', '--out', b], env(tempHome()))).code, 0);
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    const r = await runCli(['generate', '--dimensions', 'safety', '--size', '40', '--seed', '9', '--out', c, '--against', a], env(home));
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(readFileSync(c, 'utf8'), readFileSync(a, 'utf8'));
    assert.match(r.stdout, /overlap with .*a\.jsonl: \d+ of 40 cases exactly repeated/);
    const lines = readFileSync(a, 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0]);
    assert.equal(header.cases, 40);
    assert.match(header.hash, /^[0-9a-f]{64}$/);
    for (const line of lines.slice(1)) {
      const k = JSON.parse(line);
      assert.equal(k.provenance.seed, 42);
      assert.ok(k.provenance.item.id && k.provenance.builder && Array.isArray(k.provenance.variations));
      assert.equal(k.provenance.generator, null, 'the generator (none here) is recorded on every case');
    }
  });

  it('run --cases evaluates exactly the saved cases, and an edited set is refused', async () => {
    const home = tempHome();
    const set = join(home, 'set.jsonl');
    await runCli(['generate', '--dimensions', 'safety', '--size', '20', '--seed', '3', '--out', set], env(home));
    const r = await runCli(['run', '--cases', set, '--model', 'openai:test-model', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const db = openStore(home);
    const ids = (db.prepare('SELECT case_id FROM cases WHERE run_id = ? ORDER BY seq').all(runIdOf(r)) as { case_id: string }[]).map((x) => x.case_id);
    db.close();
    const saved = readFileSync(set, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, saved);
    const edited = readFileSync(set, 'utf8').replace(/"content":"/, '"content":"X');
    writeFileSync(set, edited);
    const bad = await runCli(['run', '--cases', set, '--model', 'openai:test-model'], env(home));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /content hash/);
  });
});
