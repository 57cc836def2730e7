import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, round1, wilson95 } from '../../src/report/stats.js';

test('wilson95 matches known values', () => {
  assert.deepEqual(wilson95(50, 100), [40.4, 59.6]);
  assert.deepEqual(wilson95(0, 10), [0, 27.8]);
  assert.deepEqual(wilson95(10, 10), [72.2, 100]);
  assert.deepEqual(wilson95(1, 1), [20.7, 100]);
  assert.deepEqual(wilson95(0, 1), [0, 79.3]);
  // 90/100: a Wilson interval is asymmetric around p (pulled toward 50%).
  assert.deepEqual(wilson95(90, 100), [82.6, 94.5]);
  assert.deepEqual(wilson95(5, 1000), [0.2, 1.2]);
});

test('wilson95 with n = 0 is null (no data, no interval)', () => {
  assert.equal(wilson95(0, 0), null);
});

test('the interval contains the observed rate, stays in [0, 100], and narrows as n grows', () => {
  let prevWidth = Infinity;
  for (const n of [10, 40, 160, 640, 2560]) {
    const k = Math.round(n * 0.3);
    const [lo, hi] = wilson95(k, n)!;
    assert.ok(lo >= 0 && hi <= 100 && lo <= hi);
    assert.ok(lo <= (100 * k) / n && (100 * k) / n <= hi);
    assert.ok(hi - lo < prevWidth, `n=${n}: width ${hi - lo} should shrink`);
    prevWidth = hi - lo;
  }
});

test('wilson95 is symmetric: k successes mirror n-k', () => {
  for (const [k, n] of [[3, 17], [0, 5], [42, 99]]) {
    const [lo, hi] = wilson95(k, n)!;
    const [lo2, hi2] = wilson95(n - k, n)!;
    assert.ok(Math.abs(lo - (100 - hi2)) <= 0.11 && Math.abs(hi - (100 - lo2)) <= 0.11, `${k}/${n}`);
  }
});

test('round1 and mean', () => {
  assert.equal(round1(27.75), 27.8);
  assert.equal(round1(40.449), 40.4);
  assert.equal(mean([]), null);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
});
