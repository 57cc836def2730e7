import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, startCli, tempHome } from './cli.js';

const MODEL = 'openai:test-model';

function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

const messagesKey = (messages: unknown) => JSON.stringify(messages);

describe('interrupted runs resume without repeating a finished call', { timeout: 180_000 }, () => {
  let server: TestServer;
  before(async () => { server = await startOpenAIServer({ latencyMs: 10 }); });
  after(async () => { await server.close(); });
  const env = (home: string) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' });

  it('kill -9 midway, then --resume: no finished call repeated, scores equal an uninterrupted run', async () => {
    // The uninterrupted reference, in its own home (own cache).
    const refHome = tempHome();
    const ref = await runCli(['run', '--dimensions', 'safety', '--model', MODEL, '--concurrency', '4', '--out', join(refHome, 'o')], env(refHome));
    assert.equal(ref.code, 0, ref.stderr);
    const reference = JSON.parse(readFileSync(join(refHome, 'o', 'results.json'), 'utf8'));
    const totalCases = reference.meta.calls.total as number;
    assert.ok(totalCases >= 300);

    const home = tempHome();
    let runId = '';
    for (let kill = 0; kill < 3; kill++) {
      const mark = server.requests.length;
      const args = runId ? ['run', '--resume', runId, '--concurrency', '4'] : ['run', '--dimensions', 'safety', '--model', MODEL, '--concurrency', '4'];
      const child = startCli(args, env(home));
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      await waitFor(() => server.requests.slice(mark).filter((r) => r.completed).length >= 60);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      runId ||= /Run (\S+)/.exec(err)![1];

      // What the store holds now must never be asked again.
      const db = openStore(home);
      const stored = new Set(
        (db.prepare(`SELECT c.messages_json FROM responses r JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id WHERE r.run_id = ? AND r.status = 'ok'`).all(runId) as { messages_json: string }[])
          .map((x) => messagesKey(JSON.parse(x.messages_json))),
      );
      const status = (db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status;
      db.close();
      assert.equal(status, 'running', 'a killed run is left as it was');
      assert.ok(stored.size > 0 && stored.size < totalCases, `stored ${stored.size} of ${totalCases}`);

      const resumeMark = server.requests.length;
      if (kill < 2) {
        // Next loop resumes and is killed again; check its requests when it ends.
        const next = startCli(['run', '--resume', runId, '--concurrency', '4'], env(home));
        await waitFor(() => server.requests.length - resumeMark >= 20);
        next.kill('SIGKILL');
        await new Promise((r) => next.once('close', r));
        const repeated = server.requests.slice(resumeMark).filter((r) => stored.has(messagesKey(r.body.messages)));
        assert.equal(repeated.length, 0, 'a resumed run asked again for answers already stored');
        continue;
      }
      const resumed = await runCli(['run', '--resume', runId, '--out', join(home, 'o')], env(home));
      assert.equal(resumed.code, 0, resumed.stderr);
      const repeated = server.requests.slice(resumeMark).filter((r) => stored.has(messagesKey(r.body.messages)));
      assert.equal(repeated.length, 0, 'a resumed run asked again for answers already stored');
    }
    const final = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(final.runId, runId);
    assert.deepEqual(final.scores, reference.scores);
    assert.deepEqual(final.details, reference.details);
    const db = openStore(home);
    const counts = db.prepare(`SELECT COUNT(*) AS n, COUNT(DISTINCT case_id) AS d FROM responses WHERE run_id = ? AND status = 'ok'`).get(runId) as { n: number; d: number };
    const status = (db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status;
    db.close();
    assert.equal(counts.n, totalCases);
    assert.equal(counts.d, totalCases);
    assert.equal(status, 'complete');
  });

  it('Ctrl-C stops cleanly with exit 130 and a resume hint; --resume completes the run', async () => {
    const home = tempHome();
    const mark = server.requests.length;
    const child = startCli(['run', '--dimensions', 'safety', '--model', MODEL, '--concurrency', '4', '--seed', '7'], env(home));
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    await waitFor(() => server.requests.length - mark >= 40);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    assert.equal(code, 130, err);
    const m = /Resume with: trustgen run --resume (\S+)/.exec(err);
    assert.ok(m, err);
    const db = openStore(home);
    const row = db.prepare('SELECT status FROM runs WHERE id = ?').get(m[1]) as { status: string };
    db.close();
    assert.equal(row.status, 'interrupted');
    const resumed = await runCli(['run', '--resume', m[1], '--out', join(home, 'o')], env(home));
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(doc.status, 'complete');
    assert.ok(doc.meta.calls.total >= 300);
  });
});
