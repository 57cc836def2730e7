import type { ChatMessage, ChatParams, ChatProvider, ChatResult } from '../providers/types.js';
import { ProviderError } from '../providers/types.js';
import type { ResponseCache } from '../store/cache.js';
import { AdaptiveLimiter } from './limiter.js';
import { chatRequestKey } from './request-key.js';
import { DEFAULT_RETRY, isRateLimit, isRetryable, retryDelayMs, sleep, type RetryPolicy } from './retry.js';

export type CallOutcome =
  | { ok: true; result: ChatResult; attempts: number; cached: boolean; key: string }
  | { ok: false; error: string; code: string; attempts: number; cached: false; key: string };

export interface CallerOptions {
  limiter: AdaptiveLimiter;
  retry?: RetryPolicy;
  timeoutMs: number;
  cache?: ResponseCache;
  /** Read answers from the cache (off with --no-cache; answers are still written). */
  readCache: boolean;
  /** Which server answers (from request-key.endpointScope): part of the cache key. */
  scope: string;
  /** The run's signal: aborted on Ctrl-C; a call cut short by it is neither stored nor retried. */
  signal: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Thrown when the run itself was stopped (Ctrl-C): the call is left pending, not recorded. */
export class RunAborted extends Error {
  constructor() { super('run aborted'); this.name = 'RunAborted'; }
}

/**
 * Calls one chat model with everything a call needs around it: the response cache, the
 * per-provider concurrency limit, a per-request timeout, and retries with backoff that honour Retry-After.
 */
export class ModelCaller {
  private readonly retry: RetryPolicy;
  /** Calls in flight by request key: an identical request made meanwhile waits for the same answer. */
  private readonly inFlight = new Map<string, Promise<CallOutcome>>();
  constructor(readonly provider: ChatProvider, private readonly opts: CallerOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  get id(): string { return this.provider.id; }

  keyFor(messages: ChatMessage[], params: ChatParams): string {
    return chatRequestKey(this.provider.id, this.opts.scope, messages, params);
  }

  async chat(messages: ChatMessage[], params: ChatParams): Promise<CallOutcome> {
    const key = this.keyFor(messages, params);
    const { cache } = this.opts;
    if (cache && this.opts.readCache) {
      const hit = cache.get<ChatResult>(key);
      if (hit) return { ok: true, result: hit, attempts: 0, cached: true, key };
    }
    // The same request already in flight (e.g. two cases that send the same messages): share its answer.
    const pending = this.inFlight.get(key);
    if (pending) {
      const out = await pending;
      return out.ok ? { ...out, attempts: 0, cached: true } : out;
    }
    const call = this.callWithRetries(messages, params, key);
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async callWithRetries(messages: ChatMessage[], params: ChatParams, key: string): Promise<CallOutcome> {
    const { cache, limiter, signal } = this.opts;
    let attempt = 0;
    for (;;) {
      if (signal.aborted) throw new RunAborted();
      attempt++;
      await limiter.acquire();
      let err: unknown;
      try {
        if (signal.aborted) throw new RunAborted();
        const result = await this.callOnce(messages, params);
        limiter.onSuccess();
        cache?.put(key, this.provider.id, result);
        return { ok: true, result, attempts: attempt, cached: false, key };
      } catch (e) {
        err = e;
      } finally {
        limiter.release();
      }
      if (err instanceof RunAborted || signal.aborted) throw new RunAborted();
      if (isRateLimit(err)) limiter.onRateLimited();
      if (!isRetryable(err) || attempt > this.retry.retries) {
        return { ok: false, error: describe(err), code: err instanceof ProviderError ? err.code : 'error', attempts: attempt, cached: false, key };
      }
      const delay = retryDelayMs(err, attempt, this.retry);
      this.opts.onRetry?.(err, attempt, delay);
      try {
        await sleep(delay, signal);
      } catch {
        throw new RunAborted();
      }
    }
  }

  private async callOnce(messages: ChatMessage[], params: ChatParams): Promise<ChatResult> {
    // One controller per call, aborted by the run's signal or by the timeout.
    const run = this.opts.signal;
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ctrl.abort(); }, this.opts.timeoutMs);
    const onAbort = () => ctrl.abort();
    run.addEventListener('abort', onAbort, { once: true });
    // Race the call against the abort, so a provider that ignores its signal still cannot hold a call past the timeout.
    const aborted = new Promise<never>((_, reject) => {
      ctrl.signal.addEventListener('abort', () => reject(new ProviderError('aborted', { retryable: false, code: 'aborted' })), { once: true });
    });
    try {
      return await Promise.race([this.provider.chat(messages, params, ctrl.signal), aborted]);
    } catch (e) {
      if (run.aborted) throw new RunAborted();
      if (timedOut && !(e instanceof ProviderError && e.code === 'timeout')) {
        throw new ProviderError(`request timed out after ${this.opts.timeoutMs} ms`, { retryable: true, code: 'timeout' });
      }
      throw e;
    } finally {
      clearTimeout(timer);
      run.removeEventListener('abort', onAbort);
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
