import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../src/providers/registry.js';
import { AZURE_DEFAULT_API_VERSION } from '../../src/providers/azure.js';
import { UserInputError, type Env, type ProviderOptions } from '../../src/providers/types.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { HOME, PNG_BYTES, asChat, noAbort, rejectsProvider } from '../servers/harness.js';

const KEY = 'azure-key-SECRET-5f2e9c1d7a';
const opts = (env: Env, timeoutMs = 5000): ProviderOptions => ({ env, home: HOME, timeoutMs });

describe('azure provider against the OpenAI test server (Azure path)', () => {
  let server: TestServer;
  let env: Env;
  before(async () => {
    server = await startOpenAIServer({ requireKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
    server.setAnswer((r) => `deployment ${r.model} says: ${r.lastUser}`);
    env = { AZURE_OPENAI_API_KEY: KEY, AZURE_OPENAI_ENDPOINT: server.url.replace(/\/v1$/, '/') };
  });

  it('POSTs to /openai/deployments/{d}/chat/completions with api-version and the api-key header', async () => {
    const p = asChat(createProvider('azure:my-gpt4o', opts(env)));
    const r = await p.chat(
      [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: [{ type: 'text', text: 'q2' }, { type: 'image', mediaType: 'image/png', data: PNG_BYTES }] },
      ],
      { temperature: 0, maxTokens: 20, seed: 1 },
      noAbort(),
    );
    assert.equal(r.text, 'deployment my-gpt4o says: q2');
    const req = server.requests[0];
    assert.equal(req.path, '/openai/deployments/my-gpt4o/chat/completions');
    assert.equal(req.query['api-version'], AZURE_DEFAULT_API_VERSION);
    assert.equal(req.headers['api-key'], KEY);
    assert.equal(req.headers.authorization, undefined);
    assert.equal('model' in req.body, false);
    assert.deepEqual(req.body.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(req.body.messages[3].content[1].image_url.url.startsWith('data:image/png;base64,'), true);
    assert.equal(req.body.max_tokens, 20);
    assert.equal(req.body.temperature, 0);
  });

  it('honours OPENAI_API_VERSION', async () => {
    await asChat(createProvider('azure:d', opts({ ...env, OPENAI_API_VERSION: '2025-01-01-preview' }))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(server.requests[0].query['api-version'], '2025-01-01-preview');
  });

  it('a content filter 400 with innererror is a policy result', async () => {
    server.setAnswer(() => ({ policy: true, style: 'error400' }));
    const r = await asChat(createProvider('azure:d', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.match(r.policyDetail ?? '', /content_filter/);
    assert.match(r.policyDetail ?? '', /violence/);
  });

  it('finish_reason content_filter is a policy result', async () => {
    server.setFaults({ ratePolicy: 1 });
    const r = await asChat(createProvider('azure:d', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.equal(r.text, '');
  });

  it('a wrong key is a non-retryable 401 without the key in the message', async () => {
    const wrong = 'azure-WRONG-secret-key-9999';
    const e = await rejectsProvider(
      asChat(createProvider('azure:d', opts({ ...env, AZURE_OPENAI_API_KEY: wrong }))).chat([{ role: 'user', content: 'x' }], {}, noAbort()),
      { status: 401, retryable: false },
      [wrong, KEY],
    );
    assert.match(e.message, /AZURE_OPENAI_API_KEY/);
  });

  it('429 is retryable with retryAfterMs; empty choices is malformed_response', async () => {
    server.setFaults({ rate429: 1, retryAfter: 2 });
    const p = asChat(createProvider('azure:d', opts(env)));
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 429, retryable: true, retryAfterMs: 2000 }, [KEY]);
    server.setFaults({ rateEmptyChoices: 1 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'malformed_response', retryable: true });
  });

  it('a missing endpoint or key is a UserInputError naming the variable', () => {
    assert.throws(() => createProvider('azure:d', opts({ AZURE_OPENAI_API_KEY: 'k' })), (e: unknown) => e instanceof UserInputError && /AZURE_OPENAI_ENDPOINT/.test(e.message));
    assert.throws(() => createProvider('azure:d', opts({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' })), (e: unknown) => e instanceof UserInputError && /AZURE_OPENAI_API_KEY/.test(e.message));
    assert.throws(() => createProvider('azure:', opts(env)), UserInputError);
  });
});
