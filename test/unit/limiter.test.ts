import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { AdaptiveLimiter } from '../../src/engine/limiter.js';

/** Let queued microtasks and promise continuations run. */
const settle = () => delay(0);

test('never more than max calls in flight, and every task runs', async () => {
  const limiter = new AdaptiveLimiter(3);
  let inflight = 0;
  let peak = 0;
  let done = 0;
  const task = async (i: number) => {
    await limiter.acquire();
    try {
      inflight++;
      peak = Math.max(peak, inflight);
      assert.ok(limiter.active <= 3, `active ${limiter.active} > max`);
      await delay(i % 3);
      inflight--;
      done++;
    } finally {
      limiter.release();
    }
  };
  await Promise.all(Array.from({ length: 40 }, (_, i) => task(i)));
  assert.equal(peak, 3, 'the limiter should use all 3 slots, and never more');
  assert.equal(done, 40);
  assert.equal(limiter.active, 0);
});

test('acquire blocks at the limit until a slot is released', async () => {
  const limiter = new AdaptiveLimiter(2);
  await limiter.acquire();
  await limiter.acquire();
  let third = false;
  void limiter.acquire().then(() => { third = true; });
  await settle();
  assert.equal(third, false, 'a third acquire must wait while 2 are in flight');
  limiter.release();
  await settle();
  assert.equal(third, true);
  assert.equal(limiter.active, 2);
});

test('waiters are released in the order they queued', async () => {
  const limiter = new AdaptiveLimiter(1);
  await limiter.acquire();
  const order: number[] = [];
  const waiting = Array.from({ length: 6 }, (_, i) => limiter.acquire().then(() => { order.push(i); }));
  await settle();
  assert.deepEqual(order, []);
  for (let i = 0; i < 6; i++) {
    limiter.release();
    await settle();
    assert.deepEqual(order, Array.from({ length: i + 1 }, (_, k) => k), 'one waiter per release, first in first out');
  }
  await Promise.all(waiting);
  limiter.release();
  assert.equal(limiter.active, 0);
});

test('a 429 halves the limit, at most once per second, down to a floor of 1', () => {
  const limiter = new AdaptiveLimiter(16);
  const t0 = 1_700_000_000_000;
  limiter.onRateLimited(t0);
  assert.equal(limiter.current, 8);
  limiter.onRateLimited(t0 + 10);
  limiter.onRateLimited(t0 + 999);
  assert.equal(limiter.current, 8, 'a burst of 429s within a second halves only once');
  limiter.onRateLimited(t0 + 1000);
  assert.equal(limiter.current, 4);
  limiter.onRateLimited(t0 + 2000);
  assert.equal(limiter.current, 2);
  limiter.onRateLimited(t0 + 3000);
  assert.equal(limiter.current, 1);
  limiter.onRateLimited(t0 + 4000);
  limiter.onRateLimited(t0 + 5000);
  assert.equal(limiter.current, 1, 'never below 1');
});

test('odd limits halve down (7 -> 3 -> 1)', () => {
  const limiter = new AdaptiveLimiter(7);
  limiter.onRateLimited(1_000_000);
  assert.equal(limiter.current, 3);
  limiter.onRateLimited(1_001_000);
  assert.equal(limiter.current, 1);
});

test('after halving, callers already in flight finish but no new one starts until below the new limit', async () => {
  const limiter = new AdaptiveLimiter(4);
  for (let i = 0; i < 4; i++) await limiter.acquire();
  limiter.onRateLimited(1_000_000); // limit 2, 4 in flight
  let started = 0;
  void limiter.acquire().then(() => { started++; });
  limiter.release(); // 3 in flight
  await settle();
  assert.equal(started, 0, '3 in flight > limit 2');
  limiter.release(); // 2 in flight
  await settle();
  assert.equal(started, 0, '2 in flight = limit 2');
  limiter.release(); // 1 in flight -> the waiter may start
  await settle();
  assert.equal(started, 1);
  assert.equal(limiter.active, 2);
});

test('recovers one slot per `recoverAfter` successes, up to max and no further', () => {
  const limiter = new AdaptiveLimiter(4, 3);
  limiter.onRateLimited(1_000_000);
  assert.equal(limiter.current, 2);
  limiter.onSuccess();
  limiter.onSuccess();
  assert.equal(limiter.current, 2, 'two successes are not yet three');
  limiter.onSuccess();
  assert.equal(limiter.current, 3);
  for (let i = 0; i < 3; i++) limiter.onSuccess();
  assert.equal(limiter.current, 4);
  for (let i = 0; i < 30; i++) limiter.onSuccess();
  assert.equal(limiter.current, 4, 'never above max');
});

test('a 429 resets the success count toward recovery', () => {
  const limiter = new AdaptiveLimiter(4, 3);
  limiter.onRateLimited(1_000_000);
  limiter.onSuccess();
  limiter.onSuccess();
  limiter.onRateLimited(1_000_100); // within the second: no halving, but the streak is broken
  assert.equal(limiter.current, 2);
  limiter.onSuccess();
  assert.equal(limiter.current, 2, 'only 1 success since the last 429');
  limiter.onSuccess();
  limiter.onSuccess();
  assert.equal(limiter.current, 3);
});

test('recovering a slot releases a waiting caller', async () => {
  const limiter = new AdaptiveLimiter(2, 1);
  limiter.onRateLimited(1_000_000); // limit 1
  await limiter.acquire();
  let started = false;
  void limiter.acquire().then(() => { started = true; });
  await settle();
  assert.equal(started, false);
  limiter.onSuccess(); // limit 2: room for the waiter
  await settle();
  assert.equal(started, true);
  assert.equal(limiter.active, 2);
});

test('rejects a max that is not a positive integer', () => {
  assert.throws(() => new AdaptiveLimiter(0), /positive integer/);
  assert.throws(() => new AdaptiveLimiter(-2), /positive integer/);
  assert.throws(() => new AdaptiveLimiter(1.5), /positive integer/);
  assert.throws(() => new AdaptiveLimiter(Number.NaN), /positive integer/);
});
