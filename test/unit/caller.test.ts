import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCaller, RunAborted, type CallerOptions } from '../../src/engine/caller.js';
import { AdaptiveLimiter } from '../../src/engine/limiter.js';
import { endpointScope } from '../../src/engine/request-key.js';
import type { RetryPolicy } from '../../src/engine/retry.js';
import { createProvider } from '../../src/providers/registry.js';
import { ProviderError, type ChatMessage, type ChatParams, type ChatProvider, type ChatResult } from '../../src/providers/types.js';
import { ResponseCache } from '../../src/store/cache.js';
import { openDb, type Db } from '../../src/store/db.js';

const home = mkdtempSync(join(tmpdir(), 'trustgen-caller-'));
const dbs: Db[] = [];
after(() => {
  for (const db of dbs) db.close();
  rmSync(home, { recursive: true, force: true });
});

let dbCount = 0;
/** A fresh cache over a real SQLite database in a temp folder. */
function freshCache(): ResponseCache {
  const db = openDb(home, `cache-${dbCount++}.db`);
  dbs.push(db);
  return new ResponseCache(db);
}

const FAST: RetryPolicy = { retries: 3, baseDelayMs: 1, maxDelayMs: 4 };
const MESSAGES: ChatMessage[] = [{ role: 'user', content: 'How do I kill a Python process?' }];
const PARAMS: ChatParams = { temperature: 0, maxTokens: 64 };

type Step = ChatResult | Error | ((signal: AbortSignal) => Promise<ChatResult>);

/** A fake model endpoint: plays a script of answers/errors (the last step repeats), counting calls. */
function fakeProvider(steps: Step[]): ChatProvider & { calls: number; inflight: number; peak: number } {
  const p = {
    kind: 'chat' as const,
    id: 'fake:model',
    calls: 0,
    inflight: 0,
    peak: 0,
    async chat(_m: ChatMessage[], _p: ChatParams, signal: AbortSignal): Promise<ChatResult> {
      const step = steps[Math.min(p.calls, steps.length - 1)];
      p.calls++;
      p.inflight++;
      p.peak = Math.max(p.peak, p.inflight);
      try {
        await new Promise((r) => setTimeout(r, 1));
        if (step instanceof Error) throw step;
        if (typeof step === 'function') return await step(signal);
        return step;
      } finally {
        p.inflight--;
      }
    },
  };
  return p;
}

const answer = (text: string): ChatResult => ({ text, finishReason: 'stop', latencyMs: 5, usage: { inputTokens: 3, outputTokens: 4 } });
const e503 = () => new ProviderError('503 Service Unavailable', { retryable: true, status: 503 });

function makeCaller(provider: ChatProvider, opts: Partial<CallerOptions> = {}): ModelCaller {
  return new ModelCaller(provider, {
    limiter: new AdaptiveLimiter(4),
    retry: FAST,
    timeoutMs: 5_000,
    readCache: true,
    scope: 'OPENAI_BASE_URL=http://fake',
    signal: new AbortController().signal,
    ...opts,
  });
}

/** Reject if `p` has not settled within ms: keeps a hanging call from hanging the suite. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms); }),
  ]);
}

test('a successful answer is returned and written to the cache', async () => {
  const cache = freshCache();
  const provider = fakeProvider([answer('Use kill -9 PID.')]);
  const caller = makeCaller(provider, { cache });
  const out = await caller.chat(MESSAGES, PARAMS);
  assert.equal(out.ok, true);
  assert.ok(out.ok);
  assert.equal(out.result.text, 'Use kill -9 PID.');
  assert.equal(out.cached, false);
  assert.equal(out.attempts, 1);
  assert.equal(out.key, caller.keyFor(MESSAGES, PARAMS));
  assert.deepEqual(cache.get<ChatResult>(out.key), answer('Use kill -9 PID.'));
});

test('a cache hit returns cached:true without calling the provider', async () => {
  const cache = freshCache();
  const first = makeCaller(fakeProvider([answer('first answer')]), { cache });
  await first.chat(MESSAGES, PARAMS);

  const provider = fakeProvider([answer('SHOULD NOT BE CALLED')]);
  const caller = makeCaller(provider, { cache });
  const out = await caller.chat(MESSAGES, PARAMS);
  assert.equal(provider.calls, 0);
  assert.ok(out.ok);
  assert.equal(out.cached, true);
  assert.equal(out.attempts, 0);
  assert.equal(out.result.text, 'first answer');
});

test('a different request is not a cache hit', async () => {
  const cache = freshCache();
  await makeCaller(fakeProvider([answer('a')]), { cache }).chat(MESSAGES, PARAMS);
  const provider = fakeProvider([answer('b')]);
  const out = await makeCaller(provider, { cache }).chat(MESSAGES, { ...PARAMS, temperature: 1 });
  assert.equal(provider.calls, 1);
  assert.ok(out.ok);
  assert.equal(out.cached, false);
  assert.equal(out.result.text, 'b');
});

test('readCache false calls the provider even on a hit, and still writes the new answer', async () => {
  const cache = freshCache();
  await makeCaller(fakeProvider([answer('old')]), { cache }).chat(MESSAGES, PARAMS);
  const provider = fakeProvider([answer('new')]);
  const caller = makeCaller(provider, { cache, readCache: false });
  const out = await caller.chat(MESSAGES, PARAMS);
  assert.equal(provider.calls, 1);
  assert.ok(out.ok);
  assert.equal(out.cached, false);
  assert.equal(out.result.text, 'new');
  assert.equal(cache.get<ChatResult>(out.key)?.text, 'new', 'the fresh answer replaces the cached one');
});

test('retryable errors are retried up to `retries` times, then {ok:false} with the error code; nothing cached', async () => {
  const cache = freshCache();
  const provider = fakeProvider([e503()]);
  const retries: number[] = [];
  const caller = makeCaller(provider, { cache, retry: { ...FAST, retries: 2 }, onRetry: (_e, attempt) => retries.push(attempt) });
  const out = await caller.chat(MESSAGES, PARAMS);
  assert.equal(out.ok, false);
  assert.ok(!out.ok);
  assert.equal(out.code, 'http_503');
  assert.match(out.error, /503/);
  assert.equal(out.attempts, 3, '1 try + 2 retries');
  assert.equal(provider.calls, 3);
  assert.deepEqual(retries, [1, 2]);
  assert.equal(cache.get(out.key), undefined);
});

test('retryable errors followed by an answer succeed with the attempts counted', async () => {
  const provider = fakeProvider([e503(), new ProviderError('timeout', { retryable: true, code: 'timeout' }), answer('finally')]);
  const out = await makeCaller(provider).chat(MESSAGES, PARAMS);
  assert.ok(out.ok);
  assert.equal(out.result.text, 'finally');
  assert.equal(out.attempts, 3);
});

test('a non-retryable error is not retried', async () => {
  const provider = fakeProvider([new ProviderError('401 Unauthorized', { retryable: false, status: 401 }), answer('never')]);
  const out = await makeCaller(provider).chat(MESSAGES, PARAMS);
  assert.ok(!out.ok);
  assert.equal(out.code, 'http_401');
  assert.equal(out.attempts, 1);
  assert.equal(provider.calls, 1);
});

test('a plain Error (not a ProviderError) is not retried and has code "error"', async () => {
  const provider = fakeProvider([new TypeError('bug in adapter'), answer('never')]);
  const out = await makeCaller(provider).chat(MESSAGES, PARAMS);
  assert.ok(!out.ok);
  assert.equal(out.code, 'error');
  assert.equal(out.error, 'bug in adapter');
  assert.equal(provider.calls, 1);
});

test('a 429 halves the limiter; the retry then succeeds', async () => {
  const limiter = new AdaptiveLimiter(8);
  const provider = fakeProvider([new ProviderError('429', { retryable: true, status: 429 }), answer('ok')]);
  const out = await makeCaller(provider, { limiter }).chat(MESSAGES, PARAMS);
  assert.ok(out.ok);
  assert.equal(out.attempts, 2);
  assert.equal(limiter.current, 4);
  assert.equal(limiter.active, 0, 'every slot is given back');
});

test('a non-429 error does not shrink the limiter', async () => {
  const limiter = new AdaptiveLimiter(8);
  await makeCaller(fakeProvider([e503(), answer('ok')]), { limiter }).chat(MESSAGES, PARAMS);
  assert.equal(limiter.current, 8);
});

test("the server's Retry-After sets the wait before the retry", async () => {
  const delays: number[] = [];
  const provider = fakeProvider([new ProviderError('429', { retryable: true, status: 429, retryAfterMs: 60 }), answer('ok')]);
  const t = performance.now();
  const out = await makeCaller(provider, { retry: { ...FAST, maxDelayMs: 60_000 }, onRetry: (_e, _a, d) => delays.push(d) }).chat(MESSAGES, PARAMS);
  assert.ok(out.ok);
  assert.deepEqual(delays, [60]);
  assert.ok(performance.now() - t >= 55, 'waited the Retry-After');
});

test('concurrent calls never exceed the limiter max at the provider', async () => {
  const provider = fakeProvider([async () => { await new Promise((r) => setTimeout(r, 5)); return answer('x'); }]);
  const caller = makeCaller(provider, { limiter: new AdaptiveLimiter(2) });
  const outs = await Promise.all(Array.from({ length: 10 }, (_, i) => caller.chat([{ role: 'user', content: `q${i}` }], PARAMS)));
  assert.ok(outs.every((o) => o.ok));
  assert.equal(provider.calls, 10);
  assert.equal(provider.peak, 2);
});

test('the per-request timeout turns a provider that stalls until aborted into a retryable "timeout"', async () => {
  const cache = freshCache();
  // Stalls like a fetch to a dead server: settles only when its signal aborts.
  const stall = (signal: AbortSignal) => new Promise<ChatResult>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  const provider = fakeProvider([stall]);
  const caller = makeCaller(provider, { cache, timeoutMs: 30, retry: { ...FAST, retries: 1 } });
  const t = performance.now();
  const out = await within(caller.chat(MESSAGES, PARAMS), 2_000);
  assert.ok(!out.ok);
  assert.equal(out.code, 'timeout');
  assert.equal(out.attempts, 2, 'a timeout is retried');
  assert.equal(provider.calls, 2);
  assert.ok(performance.now() - t >= 55);
  assert.equal(cache.get(out.key), undefined);
});

test('a timeout then an answer succeeds', async () => {
  const stall = (signal: AbortSignal) => new Promise<ChatResult>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  const provider = fakeProvider([stall, answer('second time lucky')]);
  const out = await within(makeCaller(provider, { timeoutMs: 30 }).chat(MESSAGES, PARAMS), 2_000);
  assert.ok(out.ok);
  assert.equal(out.result.text, 'second time lucky');
  assert.equal(out.attempts, 2);
});

test('the per-request timeout also ends a provider that ignores its abort signal', async () => {
  const provider = fakeProvider([() => new Promise<ChatResult>(() => {})]);
  const caller = makeCaller(provider, { timeoutMs: 30, retry: { ...FAST, retries: 0 } });
  const out = await within(caller.chat(MESSAGES, PARAMS), 1_000);
  assert.ok(!out.ok);
  assert.equal(out.code, 'timeout');
});

test('with the real OpenAI adapter, a server that never answers ends as a retryable "timeout"', async () => {
  const server: Server = createServer(() => { /* never answer */ });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const env = { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'sk-test' };
    // Adapter timer later than the caller's (the caller's timeout aborts the HTTP request: must not read as
    // a non-retryable "aborted"), and both equal, as in a run (config.timeoutMs for both).
    for (const adapterTimeoutMs of [1_000, 80]) {
      const provider = createProvider('openai:gpt-test', { env, timeoutMs: adapterTimeoutMs, home }) as ChatProvider;
      const caller = makeCaller(provider, { timeoutMs: 80, retry: { ...FAST, retries: 1 }, scope: endpointScope('openai', env) });
      const out = await within(caller.chat(MESSAGES, PARAMS), 3_000);
      assert.ok(!out.ok);
      assert.equal(out.code, 'timeout', `adapter timeout ${adapterTimeoutMs} ms: ${out.error}`);
      assert.equal(out.attempts, 2, 'a timeout is retried');
      await provider.close?.();
    }
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('aborting the run mid-call throws RunAborted and stores nothing', async () => {
  const cache = freshCache();
  const ctrl = new AbortController();
  const stall = (signal: AbortSignal) => new Promise<ChatResult>((resolve, reject) => {
    const t = setTimeout(() => resolve(answer('too late')), 2_000);
    signal.addEventListener('abort', () => { clearTimeout(t); reject(new ProviderError('aborted', { retryable: false, code: 'aborted' })); }, { once: true });
  });
  const provider = fakeProvider([stall]);
  const limiter = new AdaptiveLimiter(2);
  const caller = makeCaller(provider, { cache, signal: ctrl.signal, limiter });
  setTimeout(() => ctrl.abort(), 20);
  await assert.rejects(within(caller.chat(MESSAGES, PARAMS), 1_000), RunAborted);
  assert.equal(cache.get(caller.keyFor(MESSAGES, PARAMS)), undefined);
  assert.equal(provider.calls, 1, 'not retried');
  assert.equal(limiter.active, 0, 'the slot is given back');
});

test('aborting the run while waiting to retry throws RunAborted at once', async () => {
  const cache = freshCache();
  const ctrl = new AbortController();
  const provider = fakeProvider([new ProviderError('429', { retryable: true, status: 429, retryAfterMs: 10_000 }), answer('never')]);
  const caller = makeCaller(provider, { cache, signal: ctrl.signal, retry: { ...FAST, maxDelayMs: 60_000 } });
  setTimeout(() => ctrl.abort(), 20);
  const t = performance.now();
  await assert.rejects(within(caller.chat(MESSAGES, PARAMS), 1_000), RunAborted);
  assert.ok(performance.now() - t < 1_000);
  assert.equal(provider.calls, 1);
  assert.equal(cache.get(caller.keyFor(MESSAGES, PARAMS)), undefined);
});

test('an already aborted run never calls the provider', async () => {
  const ctrl = new AbortController();
  ctrl.abort();
  const provider = fakeProvider([answer('x')]);
  await assert.rejects(makeCaller(provider, { signal: ctrl.signal }).chat(MESSAGES, PARAMS), RunAborted);
  assert.equal(provider.calls, 0);
});

test('the same request made while it is in flight is sent once; both get the answer, the second marked as served without a call', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const provider = fakeProvider([async () => { await gate; return answer('Use kill -9 PID.'); }]);
  const caller = makeCaller(provider, { cache: freshCache() });
  const a = caller.chat(MESSAGES, PARAMS);
  const b = caller.chat(MESSAGES, PARAMS);
  release();
  const [x, y] = await within(Promise.all([a, b]), 2_000);
  assert.equal(provider.calls, 1);
  assert.ok(x.ok && y.ok);
  assert.equal(x.ok && x.result.text, 'Use kill -9 PID.');
  assert.equal(y.ok && y.result.text, 'Use kill -9 PID.');
  assert.deepEqual([x.cached, y.cached], [false, true]);
  const other = await caller.chat([{ role: 'user', content: 'Something else?' }], PARAMS);
  assert.ok(other.ok);
  assert.equal(provider.calls, 2, 'a different request is its own call');
});

test('an answer queued for the cache but not yet committed is found by the next lookup', async () => {
  const db = openDb(home, `cache-${dbCount++}.db`);
  dbs.push(db);
  const { WriteQueue } = await import('../../src/store/write-queue.js');
  const cache = new ResponseCache(db, new WriteQueue(db));
  cache.put('k1', 'fake:model', answer('queued'));
  assert.equal(cache.get<ChatResult>('k1')?.text, 'queued', 'found before the commit');
  await new Promise((r) => setImmediate(r));
  assert.equal(cache.get<ChatResult>('k1')?.text, 'queued', 'and after it');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM cache').get() as { n: number }).n, 1);
});
