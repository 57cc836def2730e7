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

  it('429 (Retry-After: 0), 500, 503, timeouts, malformed, truncated and empty answers', async () => {
    const server = await startOpenAIServer({
      faults: { rate429: 0.1, retryAfter: 0, rate500: 0.08, rate503: 0.05, rateTimeout: 0.03, rateMalformed: 0.05, rateTruncated: 0.05, rateEmptyChoices: 0.05, seed: 3 },
    });
    servers.push(server);
    const home = tempHome();
    const cfg = join(home, 'trustgen.yaml');
    writeFileSync(cfg, `models: [${MODEL}]\ndimensions: [safety]\nlimit: 120\nconcurrency: 8\ntimeoutMs: 400\nretries: 6\n`);
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
    for (const kind of ['429', '500', '503', 'timeout', 'malformed', 'truncated', 'empty']) assert.ok(faults.some((q) => q.fault === kind), `no ${kind} fault was injected`);
    const perCase = new Map<string, number>();
    for (const q of server.requests) { const k = JSON.stringify(q.body.messages); perCase.set(k, (perCase.get(k) ?? 0) + 1); }
    assert.equal(perCase.size, 120);
    for (const n of perCase.values()) assert.ok(n <= 7, `a case was sent ${n} times with 6 retries`);
    assert.ok(rows.some((x) => x.attempts > 1));
  });

  it('429 without Retry-After is retried with backoff; policy blocks are provider refusals, counted apart from errors', async () => {
    const server = await startOpenAIServer({ faults: { rate429: 0.15, retryAfter: null, ratePolicy: 0.15, rate500: 0.05, seed: 11 } });
    servers.push(server);
    const home = tempHome();
    const cfg = join(home, 'trustgen.yaml');
    writeFileSync(cfg, `models: [${MODEL}]\ndimensions: [safety]\nlimit: 60\nconcurrency: 8\nretries: 5\n`);
    const r = await runCli(['run', '--config', cfg, '--out', join(home, 'o')], cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' }));
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const runId = runIdOf(r);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const db = openStore(home);
    const rows = db.prepare(
      `SELECT r.case_id, r.status, r.finish_reason, r.error, j.label FROM responses r
       LEFT JOIN judgments j ON j.run_id = r.run_id AND j.case_id = r.case_id AND j.model = r.model WHERE r.run_id = ?`,
    ).all(runId) as { case_id: string; status: string; finish_reason: string | null; error: string | null; label: string | null }[];
    db.close();
    assert.equal(rows.length, 60, 'every case is either answered or recorded with its error');
    const faults = server.requests.filter((q) => q.fault);
    assert.ok(faults.some((q) => q.fault === '429'), 'no 429 was injected');
    // Every 429 (sent without Retry-After) was followed by another attempt of the same case.
    for (const [i, q] of server.requests.entries()) {
      if (q.fault !== '429') continue;
      const again = server.requests.slice(i + 1).some((x) => JSON.stringify(x.body.messages) === JSON.stringify(q.body.messages));
      assert.ok(again, 'a 429 without Retry-After was not retried');
    }
    const blocked = rows.filter((x) => x.finish_reason === 'policy');
    const policyFaults = faults.filter((q) => q.fault === 'policy').length;
    assert.ok(blocked.length > 0, 'no policy block reached the store');
    assert.equal(blocked.length, policyFaults, 'a policy block is final: stored once, not retried');
    for (const b of blocked) {
      assert.equal(b.status, 'ok', 'a policy block is an outcome, not an error');
      assert.equal(b.label, 'policy_refusal', 'a policy block is judged as the provider refusing, never as the model\'s words');
    }
    assert.equal(doc.meta.calls.policyBlocks, blocked.length, 'policy blocks are counted explicitly');
    const errors = rows.filter((x) => x.status === 'error');
    assert.equal(doc.meta.calls.errors, errors.length);
    for (const e of errors) assert.equal(e.label, 'error', 'an error is labelled an error, never a pass or a refusal');
    const d = doc.details[MODEL].safety;
    assert.equal(d.n + d.errors, 60);
    assert.equal(d.errors, errors.length);
    const perCase = new Map<string, number>();
    for (const q of server.requests) { const k = JSON.stringify(q.body.messages); perCase.set(k, (perCase.get(k) ?? 0) + 1); }
    for (const n of perCase.values()) assert.ok(n <= 6, `a case was sent ${n} times with 5 retries`);
  });

  it('a provider that always fails: exit 1, every case recorded as an error, no score', async () => {
    const server = await startOpenAIServer({ faults: { rate500: 1 } });
    servers.push(server);
    const home = tempHome();
    writeFileSync(join(home, 'trustgen.yaml'), `retries: 1\n`);
    const r = await runCli(['run', '--model', MODEL, '--dimensions', 'safety', '--limit', '10', '--out', 'o'], cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' }), { cwd: home });
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
