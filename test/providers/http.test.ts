import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest, joinUrl, parseRetryAfter, redact, statusError, RETRYABLE_STATUSES } from '../../src/providers/http.js';
import { rejectsProvider } from '../servers/harness.js';

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms (which wins)', () => {
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '5' })), 5000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '0.5' })), 500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now), 30_000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now), 0);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '5', 'retry-after-ms': '1234' })), 1234);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(new Headers()), undefined);
  });
});

describe('redact', () => {
  it('removes given secrets and key-shaped strings', () => {
    const out = redact('key my-custom-secret-123 and sk-abcdefghijklmnop and AIzaSyA1234567890abcdefghijk and Bearer xyz.abc ?key=zzz', ['my-custom-secret-123']);
    for (const s of ['my-custom-secret-123', 'sk-abcdefghijklmnop', 'AIzaSyA1234567890abcdefghijk', 'xyz.abc', 'zzz']) assert.ok(!out.includes(s), out);
  });
});

describe('joinUrl', () => {
  it('puts exactly one slash between base and path', () => {
    assert.equal(joinUrl('http://h/v1', '/chat/completions'), 'http://h/v1/chat/completions');
    assert.equal(joinUrl('http://h/v1/', '/chat/completions'), 'http://h/v1/chat/completions');
    assert.equal(joinUrl('http://h/v1', 'x'), 'http://h/v1/x');
  });
});

describe('statusError', () => {
  it('classifies statuses and keeps secrets out', () => {
    for (const s of [408, 409, 425, 429, 500, 502, 503, 504, 529]) assert.ok(RETRYABLE_STATUSES.has(s));
    for (const s of [400, 401, 403, 404, 422]) assert.ok(!RETRYABLE_STATUSES.has(s));
    const e = statusError(
      { provider: 'p', url: 'http://h/x?key=SECRETQUERY', secrets: ['TOPSECRET'] },
      { status: 502, headers: new Headers({ 'retry-after': '2' }), text: '<html>bad gateway TOPSECRET</html>', latencyMs: 1 },
    );
    assert.equal(e.retryable, true);
    assert.equal(e.status, 502);
    assert.equal(e.retryAfterMs, 2000);
    assert.match(e.message, /HTTP 502/);
    assert.match(e.message, /bad gateway/);
    assert.ok(!e.message.includes('TOPSECRET'));
    assert.ok(!e.message.includes('SECRETQUERY'));
  });
});

describe('httpRequest', () => {
  it('times out a slow body as retryable timeout, measures latency otherwise', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/slow-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"a":');
        return; // never finishes
      }
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await httpRequest({ provider: 't', url: `${base}/fast`, timeoutMs: 2000 });
      assert.equal(ok.status, 200);
      assert.equal(ok.text, '{"ok":true}');
      assert.ok(ok.latencyMs > 0);
      await rejectsProvider(httpRequest({ provider: 't', url: `${base}/slow-body`, timeoutMs: 150 }), { code: 'timeout', retryable: true });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('an already-aborted signal is a non-retryable aborted error', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await rejectsProvider(httpRequest({ provider: 't', url: 'http://127.0.0.1:9/', signal: ctrl.signal }), { code: 'aborted', retryable: false });
  });
});
