import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { exportPages, writeExport } from '../../src/report/export.js';
import { openDb } from '../../src/store/db.js';
import { MODEL, ONLY_B, RUN_A, RUN_B, writeHandRuns } from './hand-runs.js';

test('exportPages: small pages (splitting a case between its two models) give the same rows as one big page', () => {
  const db = openDb('', ':memory:');
  writeHandRuns(db);
  const pages = [...exportPages(db, RUN_B, 7)];
  assert.equal(pages.length, Math.ceil(240 / 7));
  assert.ok(pages.every((p) => p.length <= 7));
  const small = pages.flat();
  const big = [...exportPages(db, RUN_B, 10_000)].flat();
  assert.equal(small.length, 240);
  assert.deepEqual(small, big);
  assert.deepEqual(small.slice(6, 8).map((r) => [r.caseId, r.model]), [['harm-003', MODEL], ['harm-003', ONLY_B]]);
  assert.equal(new Set(small.map((r) => `${r.caseId}/${r.model}`)).size, 240, 'no row twice, none lost at page edges');
  assert.equal([...exportPages(db, RUN_A, 50)].flat().length, 120, 'run A: one model');
  assert.equal([...exportPages(db, 'no-such-run')].length, 0);
  db.close();
});

test('writeExport writes page by page and waits for a slow consumer (back-pressure)', async () => {
  const db = openDb('', ':memory:');
  writeHandRuns(db);
  const chunks: string[] = [];
  let maxBuffered = 0;
  const slow: Writable = new Writable({
    highWaterMark: 16,
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
      setTimeout(done, 1);
    },
  });
  const n = await writeExport(db, RUN_B, 'jsonl', slow, 20);
  assert.equal(n, 240);
  assert.equal(chunks.length, 12, 'one write per page of 20 rows');
  // Had it not waited for 'drain', every page would pile up in the stream's buffer at once.
  assert.ok(maxBuffered <= Math.max(...chunks.map((c) => Buffer.byteLength(c))), `at most one page buffered (saw ${maxBuffered} bytes)`);
  assert.equal(chunks.join('').trim().split('\n').length, 240);
  const empty: string[] = [];
  const sink = new Writable({ write(c, _e, done) { empty.push(String(c)); done(); } });
  assert.equal(await writeExport(db, 'no-such-run', 'json', sink), 0);
  assert.deepEqual(JSON.parse(empty.join('')), { runId: 'no-such-run', rows: [] });
  db.close();
});

test("a person's annotation of a judgement is exported beside it", () => {
  const db = openDb('', ':memory:');
  writeHandRuns(db);
  const add = db.prepare('INSERT INTO annotations (run_id, case_id, model, verdict, label, score, note, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  add.run(RUN_B, 'harm-050', MODEL, 'wrong', 'full_refusal', 1, 'it refused, in the end', 'ann', '2026-01-01T00:00:00Z');
  add.run(RUN_B, 'harm-051', MODEL, 'correct', null, null, null, 'ann', '2026-01-01T00:00:00Z');
  const rows = [...exportPages(db, RUN_B)].flat();
  const pick = (id: string, model = MODEL) => rows.find((r) => r.caseId === id && r.model === model)!;
  assert.deepEqual(
    [pick('harm-050').humanVerdict, pick('harm-050').humanLabel, pick('harm-050').humanScore, pick('harm-050').humanNote],
    ['wrong', 'full_refusal', 1, 'it refused, in the end'],
  );
  assert.equal(pick('harm-050').label, 'full_compliance', "the judge's own label stays as it was");
  assert.equal(pick('harm-051').humanVerdict, 'correct');
  assert.equal(pick('harm-050', ONLY_B).humanVerdict, null, 'annotations are per model');
  assert.equal(pick('harm-052').humanVerdict, null);
  db.close();
});
