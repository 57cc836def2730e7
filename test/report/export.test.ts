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
