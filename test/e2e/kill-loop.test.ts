/**
 * kill -9 at seeded random points of one run, then `--resume`, again and again (24 kills): no result is lost
 * or asked for twice, every (case, model) ends with exactly one response and one judgment, and the final
 * scores equal an uninterrupted run's.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../src/util/rng.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, startCli, tempHome } from './cli.js';

const MODEL = 'openai:test-model';
const KILLS = 24;
const RUN_ARGS = ['--dimensions', 'safety', '--limit', '300', '--seed', '5'];
const CONCURRENCY = ['--concurrency', '4'];

const messagesKey = (messages: unknown): string => JSON.stringify(messages);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve when cond() holds or the child has exited (whichever first); true when cond() held. */
function until(child: ChildProcess, cond: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) return resolve(true);
      if (child.exitCode !== null || child.signalCode !== null) return resolve(false);
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting for the run to make progress'));
      setTimeout(tick, 2);
    };
    tick();
  });
}

function closed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('close', () => r()));
}

interface StoreState { ok: Set<string>; responses: number; runStatus: string }

function readStore(home: string, runId: string): StoreState {
  const db = openStore(home);
  try {
    const ok = new Set(
      (db.prepare(`SELECT c.messages_json FROM responses r JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id WHERE r.run_id = ? AND r.status = 'ok'`).all(runId) as { messages_json: string }[])
        .map((x) => messagesKey(JSON.parse(x.messages_json))),
    );
    const responses = (db.prepare('SELECT COUNT(*) AS n FROM responses WHERE run_id = ?').get(runId) as { n: number }).n;
    const runStatus = (db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status;
    return { ok, responses, runStatus };
  } finally {
    db.close();
  }
}

describe('kill -9 at random points, then --resume, in a loop', { timeout: 240_000 }, () => {
  let server: TestServer;
  before(async () => { server = await startOpenAIServer({ latencyMs: 15 }); });
  after(async () => { await server.close(); });
  const env = (home: string) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' });

  it(`${KILLS} kills: nothing lost, nothing asked twice, final scores equal an uninterrupted run`, async (t) => {
    const refHome = tempHome();
    const ref = await runCli(['run', '--model', MODEL, ...RUN_ARGS, ...CONCURRENCY, '--out', join(refHome, 'o')], env(refHome));
    assert.equal(ref.code, 0, ref.stderr);
    const reference = JSON.parse(readFileSync(join(refHome, 'o', 'results.json'), 'utf8'));
    const totalCases = reference.meta.calls.total as number;
    assert.equal(totalCases, 300);

    const startMark = server.requests.length;
    const rng = createRng(20261204);
    const home = tempHome();
    let runId = '';
    /** After each kill: what the store held and where the server's request log stood when the next process started. */
    const checkpoints: { mark: number; ok: Set<string> }[] = [];
    let previousOk = new Set<string>();
    let kills = 0;
    const killPoints: string[] = [];
    while (kills < KILLS) {
      const mark = server.requests.length;
      const args = runId ? ['run', '--resume', runId, ...CONCURRENCY] : ['run', '--model', MODEL, ...RUN_ARGS, ...CONCURRENCY];
      const child = startCli(args, env(home));
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const fresh = () => server.requests.slice(mark);
      // A random point: after k requests arrived, after k answers were sent, a random delay after the first
      // request, or a random delay after start-up (which may land before any request: start-up is a point too).
      const mode = runId ? rng.int(4) : 0;
      const k = 1 + rng.int(10);
      const delay = mode === 2 ? rng.int(60) : rng.int(500);
      let reached: boolean;
      if (mode === 0) reached = await until(child, () => fresh().length >= k);
      else if (mode === 1) reached = await until(child, () => fresh().filter((r) => r.completed).length >= k);
      else {
        if (mode === 2) await until(child, () => fresh().length >= 1);
        await sleep(delay);
        reached = child.exitCode === null && child.signalCode === null;
      }
      if (!reached) {
        // The run finished (or failed) before this kill point: there is nothing left to interrupt.
        await closed(child);
        assert.fail(`the run ended before kill ${kills + 1} (exit ${child.exitCode}): raise --limit\n${stderr}`);
      }
      child.kill('SIGKILL');
      await closed(child);
      kills++;
      killPoints.push([`${k} requests sent`, `${k} answers sent`, `${delay} ms after the first request`, `${delay} ms after start`][mode]);
      if (!runId) runId = /Run (\S+)/.exec(stderr)?.[1] ?? '';
      assert.ok(runId, `no run id before the first kill:\n${stderr}`);

      const state = readStore(home, runId);
      assert.notEqual(state.runStatus, 'complete', 'a killed run never looks complete');
      for (const key of previousOk) assert.ok(state.ok.has(key), `kill ${kills}: a stored answer was lost`);
      previousOk = state.ok;
      checkpoints.push({ mark: server.requests.length, ok: state.ok });
    }
    assert.ok(previousOk.size > 0 && previousOk.size < totalCases, `after ${kills} kills ${previousOk.size} of ${totalCases} answers are stored: the kills did not land mid-run`);

    const final = await runCli(['run', '--resume', runId, '--out', join(home, 'o')], env(home));
    assert.equal(final.code, 0, final.stderr);

    // No answer that was in the store at a kill was ever requested again afterwards.
    for (const [i, { mark, ok }] of checkpoints.entries()) {
      const repeated = server.requests.slice(mark).filter((r) => ok.has(messagesKey(r.body?.messages)));
      assert.equal(repeated.length, 0, `after kill ${i + 1} (${killPoints[i]}), ${repeated.length} stored answers were requested again`);
    }

    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(doc.runId, runId);
    assert.equal(doc.status, 'complete');
    assert.deepEqual(doc.scores, reference.scores);
    assert.deepEqual(doc.details, reference.details);

    const db = openStore(home);
    const cases = (db.prepare('SELECT COUNT(*) AS n FROM cases WHERE run_id = ?').get(runId) as { n: number }).n;
    const perCase = db.prepare(
      `SELECT c.case_id, (SELECT COUNT(*) FROM responses r WHERE r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = ?) AS responses,
              (SELECT COUNT(*) FROM judgments j WHERE j.run_id = c.run_id AND j.case_id = c.case_id AND j.model = ?) AS judgments
       FROM cases c WHERE c.run_id = ?`,
    ).all(MODEL, MODEL, runId) as { case_id: string; responses: number; judgments: number }[];
    const okCount = (db.prepare(`SELECT COUNT(*) AS n FROM responses WHERE run_id = ? AND status = 'ok'`).get(runId) as { n: number }).n;
    const runs = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    db.close();
    assert.equal(cases, totalCases, 'the resumed run holds the same cases as the uninterrupted one');
    assert.equal(runs, 1, 'every resume continued the same run');
    for (const row of perCase) {
      assert.equal(row.responses, 1, `case ${row.case_id} has ${row.responses} responses`);
      assert.equal(row.judgments, 1, `case ${row.case_id} has ${row.judgments} judgments`);
    }
    assert.equal(okCount, totalCases);
    // Only calls lost at a kill may be asked again: those in flight (at most --concurrency 4) and answers that
    // arrived in the event-loop turn being committed; 8 per kill bounds both.
    const asked = server.requests.slice(startMark).filter((r) => r.body?.messages).length;
    t.diagnostic(`kill points: ${killPoints.join('; ')}; ${previousOk.size} of ${totalCases} answers stored before the last resume; ${asked} requests in all`);
    assert.ok(asked <= totalCases + 8 * KILLS, `${asked} requests for ${totalCases} cases over ${KILLS} kills`);
  });
});
