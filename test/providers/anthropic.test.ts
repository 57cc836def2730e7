import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../src/providers/registry.js';
import { anthropicBody } from '../../src/providers/anthropic.js';
import { UserInputError, type Env, type ProviderOptions } from '../../src/providers/types.js';
import { startAnthropicServer, type TestServer } from '../servers/anthropic-server.js';
import { HOME, PNG_BYTES, asChat, noAbort, rejectsProvider } from '../servers/harness.js';

const KEY = 'sk-ant-test-SECRET-1a2b3c4d5e6f';
const opts = (env: Env, timeoutMs = 5000): ProviderOptions => ({ env, home: HOME, timeoutMs });

describe('anthropic provider against the Anthropic test server', () => {
  let server: TestServer;
  let env: Env;
  before(async () => {
    server = await startAnthropicServer({ requireKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
    server.setAnswer((r) => `claude heard: ${r.lastUser}`);
    env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url };
  });

  it('puts system messages in `system`, keeps real roles, merges consecutive same-role turns', async () => {
    const p = asChat(createProvider('anthropic:claude-test', opts(env)));
    const r = await p.chat(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'part one' },
        { role: 'user', content: 'part two' },
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: 'Also be kind.' },
        { role: 'user', content: 'final' },
      ],
      {},
      noAbort(),
    );
    assert.equal(r.text, 'claude heard: final');
    assert.equal(r.finishReason, 'stop');
    assert.deepEqual(r.usage?.outputTokens, 3);
    const req = server.requests[0];
    assert.equal(req.path, '/v1/messages');
    assert.equal(req.headers['x-api-key'], KEY);
    assert.equal(req.headers['anthropic-version'], '2023-06-01');
    assert.equal(req.body.system, 'Be brief.\n\nAlso be kind.');
    assert.deepEqual(req.body.messages.map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(req.body.messages[0].content, [
      { type: 'text', text: 'part one' },
      { type: 'text', text: 'part two' },
    ]);
    assert.equal(req.body.max_tokens, 1024);
  });

  it('maps params (max_tokens, temperature, top_p) and sends no seed or JSON field', async () => {
    await asChat(createProvider('anthropic:claude-test', opts(env))).chat([{ role: 'user', content: 'x' }], { temperature: 0.2, topP: 0.8, maxTokens: 64, seed: 3, json: true }, noAbort());
    const b = server.requests[0].body;
    assert.equal(b.max_tokens, 64);
    assert.equal(b.temperature, 0.2);
    assert.equal(b.top_p, 0.8);
    assert.equal('seed' in b, false);
    assert.equal(server.requests[0].status, 200);
  });

  it('encodes images as base64 source blocks', async () => {
    await asChat(createProvider('anthropic:claude-test', opts(env))).chat(
      [{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', data: PNG_BYTES }, { type: 'text', text: 'describe' }] }],
      {},
      noAbort(),
    );
    const content = server.requests[0].body.messages[0].content;
    assert.deepEqual(content[0], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from(PNG_BYTES).toString('base64') } });
    assert.deepEqual(content[1], { type: 'text', text: 'describe' });
    assert.equal(server.requests[0].status, 200);
  });

  it("stop_reason 'refusal' is a policy result", async () => {
    server.setAnswer(() => ({ policy: true }));
    const r = await asChat(createProvider('anthropic:claude-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.match(r.policyDetail ?? '', /refusal/);
  });

  it('max_tokens stop is length', async () => {
    server.setAnswer(() => 'a b c d e f g');
    const r = await asChat(createProvider('anthropic:claude-test', opts(env))).chat([{ role: 'user', content: 'x' }], { maxTokens: 2 }, noAbort());
    assert.equal(r.finishReason, 'length');
    assert.equal(r.text, 'a b');
  });

  it('429 (with Retry-After) and 529 are retryable', async () => {
    const p = asChat(createProvider('anthropic:claude-test', opts(env)));
    server.setFaults({ rate429: 1, retryAfter: 7 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 429, retryable: true, retryAfterMs: 7000 }, [KEY]);
    server.setFaults({ rate529: 1 });
    const e = await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 529, retryable: true }, [KEY]);
    assert.match(e.message, /Overloaded/);
  });

  it('a 400 is not retryable', async () => {
    const p = asChat(createProvider('anthropic:claude-test', opts(env)));
    // temperature above 1 is a real Anthropic 400.
    const e = await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], { temperature: 1.5 }, noAbort()), { status: 400, retryable: false });
    assert.match(e.message, /temperature/);
  });

  it('malformed, truncated and content-less bodies are retryable malformed_response; a hang is a timeout', async () => {
    const p = asChat(createProvider('anthropic:claude-test', opts(env, 300)));
    for (const f of [{ rateMalformed: 1 }, { rateTruncated: 1 }, { rateEmptyChoices: 1 }]) {
      server.setFaults(f);
      await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'malformed_response', retryable: true });
    }
    server.setFaults({ rateTimeout: 1 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'timeout', retryable: true });
  });

  it('a wrong key: 401, key not in the message', async () => {
    const wrong = 'sk-ant-WRONG-verysecret-000111';
    const e = await rejectsProvider(
      asChat(createProvider('anthropic:claude-test', opts({ ...env, ANTHROPIC_API_KEY: wrong }))).chat([{ role: 'user', content: 'x' }], {}, noAbort()),
      { status: 401, retryable: false },
      [wrong],
    );
    assert.match(e.message, /ANTHROPIC_API_KEY/);
  });

  it('a missing key for the default base URL is a UserInputError', () => {
    assert.throws(() => createProvider('anthropic:claude-3-5-haiku-latest', opts({})), (e: unknown) => e instanceof UserInputError && /ANTHROPIC_API_KEY/.test(e.message));
  });

  it('only-system conversations are rejected before any request', () => {
    assert.throws(() => anthropicBody('m', [{ role: 'system', content: 's' }], {}), /at least one/);
  });
});
