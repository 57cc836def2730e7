import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, runIdOf, tempHome } from './cli.js';

const MODEL = 'openai:test-model';

describe('a run keeps going through provider faults', { timeout: 180_000 }, () => {
  const servers: TestServer[] = [];
  after(async () => { await Promise.all(servers.map((s) => s.close())); });

  it('429 (with and without Retry-After), 500, 503, timeouts, malformed, truncated and empty answers', async () => {
    const server = await startOpenAIServer({
      faults: { rate429: 0.1, retryAfter: 0, rate500: 0.08, rate503: 0.05, rateTimeout: 0.03, rateMalformed: 0.05, rateTruncated: 0.05, rateEmptyChoices: 0.05, seed: 3 },
    });
    servers.push(server);
    const home = tempHome();
    const cfg = join(home, 'trustgen.yaml');
    writeFileSync(cfg, `models: [${MODEL}]\nlimit: 120\nconcurrency: 8\ntimeoutMs: 400\nretries: 6\n`);
    const r = await runCli(['run', '--config', cfg, '--out', join(home, 'o')], cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' }));
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const runId = runIdOf(r);
    const db = openStore(home);
    const rows = db.prepare('SELECT status, attempts, error FROM responses WHERE run_id = ?').all(runId) as { status: string; attempts: number; error: string | null }[];
    db.close();
    assert.equal(rows.length, 120, 'every case is either answered or recorded with its error');
    const errors = rows.filter((x) => x.status === 'error');
    assert.equal(doc.meta.calls.errors, errors.length, 'errors are counted explicitly');
    assert.equal(r.code, errors.length ? 1 : 0);
    const d = doc.details[MODEL].safety;
    assert.equal(d.n + d.errors, 120);
    assert.equal(d.errors, errors.length, 'an error is never scored as a pass or a refusal');
    // Faults were really hit and retried, and no case was asked more often than its retries allow.
    const faults = server.requests.filter((q) => q.fault);
    for (const kind of ['429', '500', 'malformed', 'truncated', 'empty']) assert.ok(faults.some((q) => q.fault === kind), `no ${kind} fault was injected`);
    const perCase = new Map<string, number>();
    for (const q of server.requests) { const k = JSON.stringify(q.body.messages); perCase.set(k, (perCase.get(k) ?? 0) + 1); }
    assert.equal(perCase.size, 120);
    for (const n of perCase.values()) assert.ok(n <= 7, `a case was sent ${n} times with 6 retries`);
    assert.ok(rows.some((x) => x.attempts > 1));
  });

  it('a provider that always fails: exit 1, every case recorded as an error, no score', async () => {
    const server = await startOpenAIServer({ faults: { rate500: 1 } });
    servers.push(server);
    const home = tempHome();
    writeFileSync(join(home, 'trustgen.yaml'), `retries: 1\n`);
    const r = await runCli(['run', '--model', MODEL, '--limit', '10', '--out', 'o'], cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' }), { cwd: home });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(doc.scores[MODEL].safety, null);
    assert.equal(doc.details[MODEL].safety.errors, 10);
    assert.equal(doc.details[MODEL].safety.n, 0);
    assert.equal(doc.status, 'complete_with_errors');
    assert.equal(server.requests.length, 20, 'one retry per case, no more');
    // Resuming retries the failed calls; once the provider recovers the run completes.
    server.setFaults({});
    const resumed = await runCli(['run', '--resume', runIdOf(r), '--out', 'o2'], cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' }), { cwd: home });
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc2 = JSON.parse(readFileSync(join(home, 'o2', 'results.json'), 'utf8'));
    assert.equal(doc2.details[MODEL].safety.n, 10);
    assert.equal(typeof doc2.scores[MODEL].safety, 'number');
  });
});
