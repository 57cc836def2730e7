import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng.js';

const take = (seed: number, n = 20) => { const r = createRng(seed); return Array.from({ length: n }, () => r.next()); };

test('deterministic per seed, different across seeds', () => {
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
  assert.notDeepEqual(take(0), take(1));
  assert.equal(createRng(42).seed, 42);
});

test('next() is in [0, 1) and roughly uniform', () => {
  const r = createRng(7);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 20_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]++;
  }
  for (const b of buckets) assert.ok(b > 1700 && b < 2300, `bucket ${b}`);
});

test('fork depends only on the seed and the label, not on how much the parent was used', () => {
  const a = createRng(5);
  const b = createRng(5);
  for (let i = 0; i < 100; i++) b.next();
  const fa = a.fork('limit');
  const fb = b.fork('limit');
  assert.deepEqual(Array.from({ length: 10 }, () => fa.next()), Array.from({ length: 10 }, () => fb.next()));
  // Forking in a different order gives the same children.
  const c = createRng(5);
  const x1 = c.fork('x').next();
  const y1 = c.fork('y').next();
  const d = createRng(5);
  const y2 = d.fork('y').next();
  const x2 = d.fork('x').next();
  assert.equal(x1, x2);
  assert.equal(y1, y2);
});

test('forks with different labels or parent seeds differ, and differ from the parent', () => {
  const r = createRng(5);
  const seq = (g: ReturnType<typeof createRng>) => Array.from({ length: 5 }, () => g.next());
  assert.notDeepEqual(seq(r.fork('a')), seq(r.fork('b')));
  assert.notDeepEqual(seq(createRng(5).fork('a')), seq(createRng(6).fork('a')));
  assert.notDeepEqual(seq(createRng(5).fork('a')), seq(createRng(5)));
});

test('int(n) stays in [0, n) and hits every value', () => {
  const r = createRng(11);
  for (const n of [1, 2, 7, 100]) {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(n);
      assert.ok(Number.isInteger(v) && v >= 0 && v < n, `int(${n}) gave ${v}`);
      seen.add(v);
    }
    assert.equal(seen.size, n);
  }
});

test('pick returns a member; an empty list throws', () => {
  const r = createRng(3);
  const items = ['a', 'b', 'c'];
  for (let i = 0; i < 50; i++) assert.ok(items.includes(r.pick(items)));
  assert.throws(() => r.pick([]), /empty/);
});

test('shuffle is a permutation, leaves the input alone, and is seeded', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const copy = items.slice();
  const s = createRng(9).shuffle(items);
  assert.deepEqual(items, copy, 'input not mutated');
  assert.notEqual(s, items);
  assert.deepEqual([...s].sort((a, b) => a - b), items);
  assert.notDeepEqual(s, items, 'actually shuffled');
  assert.deepEqual(createRng(9).shuffle(items), s);
  assert.notDeepEqual(createRng(10).shuffle(items), s);
  assert.deepEqual(createRng(1).shuffle([]), []);
  assert.deepEqual(createRng(1).shuffle(['only']), ['only']);
});

test('shuffle puts every element in every position about equally often', () => {
  const r = createRng(123);
  const counts = Array.from({ length: 4 }, () => new Array(4).fill(0));
  for (let t = 0; t < 8000; t++) r.shuffle([0, 1, 2, 3]).forEach((v, pos) => counts[v][pos]++);
  for (const row of counts) for (const c of row) assert.ok(c > 1700 && c < 2300, `count ${c}`);
});
