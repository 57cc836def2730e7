import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { paged, runPool } from '../../src/engine/pool.js';

const from = <T>(items: T[]) => { let i = 0; return () => (i < items.length ? items[i++] : undefined); };

test('concurrency is respected and fully used', async () => {
  let inflight = 0;
  let peak = 0;
  await runPool(from(Array.from({ length: 30 }, (_, i) => i)), 4, async (i) => {
    inflight++;
    peak = Math.max(peak, inflight);
    await delay(1 + (i % 3));
    inflight--;
  });
  assert.equal(peak, 4);
  assert.equal(inflight, 0);
});

test('every item is processed exactly once', async () => {
  const seen = new Map<number, number>();
  const items = Array.from({ length: 200 }, (_, i) => i);
  await runPool(from(items), 7, async (i) => {
    await delay(i % 2);
    seen.set(i, (seen.get(i) ?? 0) + 1);
  });
  assert.equal(seen.size, 200);
  assert.ok([...seen.values()].every((n) => n === 1));
});

test('an empty source resolves without calling the worker', async () => {
  let calls = 0;
  await runPool(() => undefined, 3, async () => { calls++; });
  assert.equal(calls, 0);
});

test('concurrency below 1 still runs (one at a time)', async () => {
  let inflight = 0;
  let peak = 0;
  let done = 0;
  await runPool(from([1, 2, 3]), 0, async () => { inflight++; peak = Math.max(peak, inflight); await delay(1); inflight--; done++; });
  assert.equal(done, 3);
  assert.equal(peak, 1);
});

test('a worker error rejects the pool, stops pulling new items, and waits for running workers', async () => {
  const boom = new Error('worker failed');
  let started = 0;
  let finished = 0;
  const p = runPool(from(Array.from({ length: 100 }, (_, i) => i)), 4, async (i) => {
    started++;
    if (i === 2) { await delay(1); throw boom; }
    await delay(5);
    finished++;
  });
  await assert.rejects(p, (e) => e === boom);
  assert.ok(started < 100, `pulled ${started} items after a failure`);
  assert.ok(started <= 8, `started ${started}: at most the in-flight loops finish their item`);
  assert.equal(finished, started - 1, 'every other started worker finished before the pool rejected');
});

test('the first error wins when several workers fail', async () => {
  const p = runPool(from([0, 1, 2]), 3, async (i) => { await delay(i * 5); throw new Error(`fail ${i}`); });
  await assert.rejects(p, /fail 0/);
});

test('paged fetches lazily, page by page, with the cursor of the last item', () => {
  const rows = Array.from({ length: 7 }, (_, i) => ({ rowid: 10 + i }));
  const fetches: number[] = [];
  const next = paged((after) => { fetches.push(after); return rows.filter((r) => r.rowid > after).slice(0, 3); }, (r) => r.rowid);
  assert.deepEqual(fetches, [], 'nothing fetched before the first item is asked for');
  const got: number[] = [];
  got.push(next()!.rowid);
  assert.deepEqual(fetches, [-1]);
  got.push(next()!.rowid, next()!.rowid);
  assert.deepEqual(fetches, [-1], 'the first page serves 3 items');
  got.push(next()!.rowid);
  assert.deepEqual(fetches, [-1, 12]);
  for (let r = next(); r !== undefined; r = next()) got.push(r.rowid);
  assert.deepEqual(got, rows.map((r) => r.rowid));
  assert.deepEqual(fetches, [-1, 12, 15, 16], 'the empty page ends it');
  assert.equal(next(), undefined);
  assert.deepEqual(fetches, [-1, 12, 15, 16], 'no fetch after the end');
});

test('paged honours a start cursor', () => {
  const fetches: number[] = [];
  const next = paged((after) => { fetches.push(after); return after < 100 ? [{ id: 100 }] : []; }, (r) => r.id, 41);
  assert.deepEqual(next(), { id: 100 });
  assert.equal(next(), undefined);
  assert.deepEqual(fetches, [41, 100]);
});

test('runPool over paged sees rows added after the pool started (lazy paging)', async () => {
  const table = [1, 2, 3].map((id) => ({ id }));
  const next = paged((after) => table.filter((r) => r.id > after).slice(0, 2), (r) => r.id);
  const done: number[] = [];
  await runPool(next, 2, async (r) => {
    await delay(1);
    if (r.id === 1) table.push({ id: 4 });
    done.push(r.id);
  });
  assert.deepEqual(done.sort((a, b) => a - b), [1, 2, 3, 4]);
});
