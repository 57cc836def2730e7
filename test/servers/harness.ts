/** Small helpers for the provider tests. */
import assert from 'node:assert/strict';
import { ProviderError, type ChatProvider, type ImageProvider, type Provider } from '../../src/providers/types.js';

export const HOME = '/tmp/trustgen-test-home';

/** A never-aborted signal. */
export function noAbort(): AbortSignal {
  return new AbortController().signal;
}

export function asChat(p: Provider): ChatProvider {
  assert.equal(p.kind, 'chat');
  return p as ChatProvider;
}

export function asImage(p: Provider): ImageProvider {
  assert.equal(p.kind, 'image');
  return p as ImageProvider;
}

/**
 * Await a rejection with a ProviderError matching `want`, and check that none of `secrets`
 * appears in its message, stack or any own property.
 */
export async function rejectsProvider(
  p: Promise<unknown>,
  want: { code?: string; retryable?: boolean; status?: number; retryAfterMs?: number },
  secrets: string[] = [],
): Promise<ProviderError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, 'expected a rejection, got a result');
  assert.ok(caught instanceof ProviderError, `expected a ProviderError, got ${String(caught)}`);
  const e = caught as ProviderError;
  if (want.code !== undefined) assert.equal(e.code, want.code, e.message);
  if (want.retryable !== undefined) assert.equal(e.retryable, want.retryable, e.message);
  if (want.status !== undefined) assert.equal(e.status, want.status, e.message);
  if (want.retryAfterMs !== undefined) assert.equal(e.retryAfterMs, want.retryAfterMs, e.message);
  assertNoSecrets(e, secrets);
  return e;
}

export function assertNoSecrets(e: Error, secrets: string[]): void {
  const everything = [e.message, e.stack ?? '', JSON.stringify(e), String(e)].join('\n');
  for (const s of secrets) assert.ok(!everything.includes(s), `a secret leaked into the error: ${e.message}`);
}

/** A PNG's bytes (the 1x1 test image). */
export const PNG_BYTES = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
);
