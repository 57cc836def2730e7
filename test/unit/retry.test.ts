import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY, isRateLimit, isRetryable, retryDelayMs, sleep, type RetryPolicy } from '../../src/engine/retry.js';
import { ProviderError } from '../../src/providers/types.js';

const policy: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
const low = () => 0;
const high = () => 0.999999;

test("a ProviderError's Retry-After wins over backoff, whatever the attempt", () => {
  const err = new ProviderError('slow down', { retryable: true, status: 429, retryAfterMs: 1234 });
  for (const attempt of [1, 2, 7]) {
    assert.equal(retryDelayMs(err, attempt, policy, low), 1234);
    assert.equal(retryDelayMs(err, attempt, policy, high), 1234);
  }
  const zero = new ProviderError('now', { retryable: true, status: 503, retryAfterMs: 0 });
  assert.equal(retryDelayMs(zero, 3, policy, high), 0, 'Retry-After: 0 means retry at once');
});

test('an absurd Retry-After is bounded to 4 x maxDelayMs', () => {
  const err = new ProviderError('come back tomorrow', { retryable: true, status: 429, retryAfterMs: 86_400_000 });
  assert.equal(retryDelayMs(err, 1, policy, low), 4000);
});

test('without Retry-After: exponential backoff, jitter within [cap/2, cap], cap doubling up to maxDelayMs', () => {
  const err = new ProviderError('server error', { retryable: true, status: 500 });
  const expectedCaps = [100, 200, 400, 800, 1000, 1000, 1000];
  expectedCaps.forEach((cap, k) => {
    const attempt = k + 1;
    assert.equal(retryDelayMs(err, attempt, policy, low), cap / 2, `attempt ${attempt}: lowest delay is cap/2`);
    const top = retryDelayMs(err, attempt, policy, high);
    assert.ok(top <= cap && top >= cap - 1, `attempt ${attempt}: highest delay ${top} should be about cap ${cap}`);
  });
});

test('random jitter stays within [cap/2, cap] and actually varies', () => {
  const err = new Error('network');
  for (let attempt = 1; attempt <= 8; attempt++) {
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(err, attempt, policy);
      assert.ok(d >= cap / 2 && d <= cap, `attempt ${attempt}: ${d} outside [${cap / 2}, ${cap}]`);
      seen.add(d);
    }
    assert.ok(seen.size > 5, 'jitter should spread the delays');
  }
});

test('a ProviderError without retryAfterMs uses backoff', () => {
  const err = new ProviderError('bad gateway', { retryable: true, status: 502 });
  assert.equal(retryDelayMs(err, 2, policy, low), 100);
});

test('the default policy retries 4 times with delays from 250 ms up to 30 s', () => {
  assert.equal(DEFAULT_RETRY.retries, 4);
  assert.equal(retryDelayMs(new Error('x'), 1, DEFAULT_RETRY, low), 250);
  assert.equal(retryDelayMs(new Error('x'), 20, DEFAULT_RETRY, low), 15_000);
});

test('isRetryable follows the ProviderError flag; anything else is not retried', () => {
  assert.equal(isRetryable(new ProviderError('503', { retryable: true, status: 503 })), true);
  assert.equal(isRetryable(new ProviderError('401', { retryable: false, status: 401 })), false);
  assert.equal(isRetryable(new Error('boom')), false);
  assert.equal(isRetryable('string'), false);
  assert.equal(isRetryable(undefined), false);
  assert.equal(isRetryable({ retryable: true }), false, 'a look-alike object is not a ProviderError');
});

test('isRateLimit is true only for a 429 ProviderError', () => {
  assert.equal(isRateLimit(new ProviderError('429', { retryable: true, status: 429 })), true);
  assert.equal(isRateLimit(new ProviderError('503', { retryable: true, status: 503 })), false);
  assert.equal(isRateLimit(new ProviderError('x', { retryable: true })), false);
});

test('sleep resolves after about the time asked', async () => {
  const t = performance.now();
  await sleep(30);
  assert.ok(performance.now() - t >= 25);
});

test('sleep rejects with the abort reason as soon as the signal aborts', async () => {
  const ctrl = new AbortController();
  const reason = new Error('stop');
  const t = performance.now();
  setTimeout(() => ctrl.abort(reason), 20);
  await assert.rejects(sleep(10_000, ctrl.signal), (e) => e === reason);
  assert.ok(performance.now() - t < 1000, 'must not wait out the 10 s');
});

test('sleep on an already aborted signal rejects at once', async () => {
  const ctrl = new AbortController();
  ctrl.abort(new Error('already'));
  const t = performance.now();
  await assert.rejects(sleep(10_000, ctrl.signal), /already/);
  assert.ok(performance.now() - t < 100);
});
