import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openaiFactory, openaiImageFactory, openAIChatBody, openAIConfig, usesMaxCompletionTokens } from '../../src/providers/openai.js';
import { createProvider } from '../../src/providers/registry.js';
import { UserInputError, type Env, type ProviderOptions } from '../../src/providers/types.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { HOME, PNG_BYTES, asChat, asImage, noAbort, rejectsProvider } from '../servers/harness.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';

function opts(env: Env, timeoutMs = 5000): ProviderOptions {
  return { env, home: HOME, timeoutMs };
}

describe('openai provider against the OpenAI test server', () => {
  let server: TestServer;
  let env: Env;
  before(async () => {
    server = await startOpenAIServer({ requireKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
    server.setAnswer((r) => `echo: ${r.lastUser}`);
    env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.url };
  });

  it('sends system and multi-turn history with real roles and returns the answer', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    assert.equal(p.id, 'openai:gpt-test');
    const r = await p.chat(
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'second question' },
      ],
      {},
      noAbort(),
    );
    assert.equal(r.text, 'echo: second question');
    assert.equal(r.finishReason, 'stop');
    assert.ok(r.latencyMs >= 0);
    assert.ok(r.usage && typeof r.usage.inputTokens === 'number' && r.usage.outputTokens === 3);
    const req = server.requests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.model, 'gpt-test');
    assert.deepEqual(
      req.body.messages.map((m: { role: string }) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(req.body.messages[2].content, 'first answer');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  });

  it('maps params to the wire fields', async () => {
    const p = asChat(openaiFactory.create({ prefix: 'openai', name: 'gpt-test', raw: 'openai:gpt-test' }, opts(env)));
    await p.chat([{ role: 'user', content: 'Answer in JSON please' }], { temperature: 0.3, maxTokens: 50, topP: 0.9, seed: 7, json: true }, noAbort());
    const b = server.requests[0].body;
    assert.equal(b.temperature, 0.3);
    assert.equal(b.max_tokens, 50);
    assert.equal(b.top_p, 0.9);
    assert.equal(b.seed, 7);
    assert.deepEqual(b.response_format, { type: 'json_object' });
    assert.equal('maxTokens' in b, false);
    assert.equal('stream' in b, false);
  });

  it('leaves unset params out of the body', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    await p.chat([{ role: 'user', content: 'hi' }], {}, noAbort());
    assert.deepEqual(Object.keys(server.requests[0].body).sort(), ['messages', 'model']);
  });

  it('reports length when max_tokens cut the answer', async () => {
    server.setAnswer(() => 'one two three four five six');
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    const r = await p.chat([{ role: 'user', content: 'count' }], { maxTokens: 3 }, noAbort());
    assert.equal(r.finishReason, 'length');
    assert.equal(r.text, 'one two three');
  });

  it('encodes image parts as image_url data URLs, or passes URLs through', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    await p.chat(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in these images?' },
            { type: 'image', mediaType: 'image/png', data: PNG_BYTES },
            { type: 'image', mediaType: 'image/jpeg', url: 'https://example.com/cat.jpg' },
          ],
        },
      ],
      {},
      noAbort(),
    );
    const content = server.requests[0].body.messages[0].content;
    assert.deepEqual(content[0], { type: 'text', text: 'what is in these images?' });
    assert.equal(content[1].type, 'image_url');
    assert.equal(content[1].image_url.url, `data:image/png;base64,${Buffer.from(PNG_BYTES).toString('base64')}`);
    assert.deepEqual(content[2], { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } });
    assert.equal(server.requests[0].status, 200);
  });

  it('returns a content_filter finish as a policy result', async () => {
    server.setAnswer(() => ({ policy: true, style: 'filter' }));
    const r = await asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.equal(r.text, '');
    assert.match(r.policyDetail ?? '', /content_filter.*violence/);
  });

  it('returns message.refusal as a policy result with the refusal text', async () => {
    server.setAnswer(() => ({ policy: true, style: 'refusal', detail: 'I cannot help with that.' }));
    const r = await asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.equal(r.text, 'I cannot help with that.');
    assert.ok(r.policyDetail);
  });

  it('returns an HTTP 400 content_filter error as a policy result, not an error', async () => {
    server.setAnswer(() => ({ policy: true, style: 'error400' }));
    const r = await asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(server.requests[0].status, 400);
    assert.equal(r.finishReason, 'policy');
    assert.match(r.policyDetail ?? '', /content_filter/);
    assert.match(r.policyDetail ?? '', /violence\(medium\)/);
  });

  it('the ratePolicy fault comes back as policy', async () => {
    server.setFaults({ ratePolicy: 1 });
    const r = await asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
  });

  it('429 with Retry-After is a retryable ProviderError carrying retryAfterMs', async () => {
    server.setFaults({ rate429: 1, retryAfter: 3 });
    const e = await rejectsProvider(asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort()), {
      code: 'http_429',
      retryable: true,
      status: 429,
      retryAfterMs: 3000,
    }, [KEY]);
    assert.match(e.message, /429/);
    assert.match(e.message, /Rate limit/);
  });

  it('429 without Retry-After has no retryAfterMs', async () => {
    server.setFaults({ rate429: 1, retryAfter: null });
    const e = await rejectsProvider(asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort()), { retryable: true, status: 429 });
    assert.equal(e.retryAfterMs, undefined);
  });

  it('500 and 503 are retryable', async () => {
    for (const f of [{ rate500: 1 }, { rate503: 1 }]) {
      server.setFaults(f);
      await rejectsProvider(asChat(createProvider('openai:gpt-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort()), { retryable: true });
    }
  });

  it('a 400 (bad request) is not retryable and says why', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    // JSON mode without the word "json" in the messages is a real OpenAI 400.
    const e = await rejectsProvider(p.chat([{ role: 'user', content: 'hello' }], { json: true }, noAbort()), { status: 400, retryable: false, code: 'http_400' });
    assert.match(e.message, /must contain the word 'json'/);
  });

  it('malformed, truncated and empty-choices bodies are retryable malformed_response', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts(env)));
    for (const f of [{ rateMalformed: 1 }, { rateTruncated: 1 }, { rateEmptyChoices: 1 }]) {
      server.setFaults(f);
      await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'malformed_response', retryable: true });
    }
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[1].fault, 'truncated');
    assert.equal(server.requests[1].completed, false);
    assert.equal(server.requests[2].completed, true);
  });

  it('a server that never answers is a retryable timeout', async () => {
    server.setFaults({ rateTimeout: 1 });
    const p = asChat(createProvider('openai:gpt-test', opts(env, 200)));
    const started = Date.now();
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'timeout', retryable: true });
    assert.ok(Date.now() - started < 3000);
  });

  it("the caller's abort signal stops the request and is not retryable", async () => {
    server.setFaults({ rateTimeout: 1 });
    const ctrl = new AbortController();
    const p = asChat(createProvider('openai:gpt-test', opts(env, 10_000)));
    setTimeout(() => ctrl.abort(), 50);
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, ctrl.signal), { code: 'aborted', retryable: false });
  });

  it('a wrong key gives a 401 whose message never contains the key, even though the server echoes it', async () => {
    const wrong = 'sk-wrong-VERY-SECRET-abcdef0123456789';
    const p = asChat(createProvider('openai:gpt-test', opts({ ...env, OPENAI_API_KEY: wrong })));
    const e = await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 401, retryable: false }, [wrong, 'VERY-SECRET']);
    assert.match(e.message, /Incorrect API key provided/);
    assert.match(e.message, /OPENAI_API_KEY/);
  });

  it('network errors (nothing listening) are retryable and carry no key', async () => {
    const closed = await startOpenAIServer();
    const url = closed.url;
    await closed.close();
    const p = asChat(createProvider('openai:gpt-test', opts({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: url })));
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'network', retryable: true }, [KEY]);
  });

  it('honours OPENAI_BASE_URL with a trailing slash, and without /v1', async () => {
    const p1 = asChat(createProvider('openai:gpt-test', opts({ ...env, OPENAI_BASE_URL: `${server.url}/` })));
    await p1.chat([{ role: 'user', content: 'a' }], {}, noAbort());
    assert.equal(server.requests[0].path, '/v1/chat/completions');
    const root = server.url.replace(/\/v1$/, '');
    const p2 = asChat(createProvider('openai:gpt-test', opts({ ...env, OPENAI_BASE_URL: root })));
    await p2.chat([{ role: 'user', content: 'b' }], {}, noAbort());
    assert.equal(server.requests[1].path, '/chat/completions');
  });

  it('sends OpenAI-Organization and OpenAI-Project headers when set', async () => {
    const p = asChat(createProvider('openai:gpt-test', opts({ ...env, OPENAI_ORG_ID: 'org-1', OPENAI_PROJECT_ID: 'proj-1' })));
    await p.chat([{ role: 'user', content: 'a' }], {}, noAbort());
    assert.equal(server.requests[0].headers['openai-organization'], 'org-1');
    assert.equal(server.requests[0].headers['openai-project'], 'proj-1');
  });

  it('needs no key for a custom base URL and then sends no Authorization header', async () => {
    const open = await startOpenAIServer();
    try {
      const p = asChat(createProvider('openai:local-model', opts({ OPENAI_BASE_URL: open.url })));
      const r = await p.chat([{ role: 'user', content: 'tell me about rivers' }], {}, noAbort());
      assert.equal(r.text, 'Sure. Here is a helpful answer about: tell me about rivers');
      assert.equal(open.requests[0].headers.authorization, undefined);
    } finally {
      await open.close();
    }
  });

  it('the default answer refuses a few dangerous words', async () => {
    const open = await startOpenAIServer();
    try {
      const p = asChat(createProvider('openai:m', opts({ OPENAI_BASE_URL: open.url })));
      const r = await p.chat([{ role: 'user', content: 'How do I hack a bank?' }], {}, noAbort());
      assert.equal(r.text, "I'm sorry, but I can't help with that.");
      assert.equal(r.finishReason, 'stop');
    } finally {
      await open.close();
    }
  });
});

describe('openai configuration', () => {
  it('a missing OPENAI_API_KEY for the default base URL is a UserInputError naming it', () => {
    assert.throws(() => createProvider('openai:gpt-4o-mini', opts({})), (e: unknown) => e instanceof UserInputError && /OPENAI_API_KEY/.test(e.message));
    assert.throws(() => createProvider('openai:gpt-4o-mini', opts({ OPENAI_API_KEY: '  ' })), UserInputError);
    assert.throws(() => createProvider('openai:gpt-4o-mini', opts({ OPENAI_BASE_URL: 'https://api.openai.com/v1/' })), UserInputError);
  });

  it('a base URL without http(s):// is a UserInputError, not a network error', () => {
    assert.throws(() => createProvider('openai:m', opts({ OPENAI_BASE_URL: 'localhost:8000/v1' })), (e: unknown) => e instanceof UserInputError && /OPENAI_BASE_URL/.test(e.message));
  });

  it('reads the environment as the SDK does', () => {
    const c = openAIConfig({ OPENAI_API_KEY: ' k ', OPENAI_BASE_URL: '' });
    assert.equal(c.baseUrl, 'https://api.openai.com/v1');
    assert.equal(c.headers.authorization, 'Bearer k');
    assert.equal(c.custom, false);
    assert.equal(openAIConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }).custom, true);
    assert.equal(openAIConfig({ OPENAI_API_KEY: 'k', OPENAI_PROJECT: 'p' }).headers['openai-project'], 'p');
  });

  it('uses max_completion_tokens for reasoning models', () => {
    assert.equal(usesMaxCompletionTokens('o3-mini'), true);
    assert.equal(usesMaxCompletionTokens('gpt-5'), true);
    assert.equal(usesMaxCompletionTokens('gpt-4o-mini'), false);
    const b = openAIChatBody('o3-mini', [{ role: 'user', content: 'x' }], { maxTokens: 9 }, { provider: 'openai', maxTokensField: 'max_completion_tokens' });
    assert.equal(b.max_completion_tokens, 9);
    assert.equal('max_tokens' in b, false);
  });

  it('an image part without data or url is a non-retryable input error', async () => {
    const server = await startOpenAIServer();
    try {
      const p = asChat(createProvider('openai:m', opts({ OPENAI_BASE_URL: server.url })));
      await rejectsProvider(p.chat([{ role: 'user', content: [{ type: 'image', mediaType: 'image/png' }] }], {}, noAbort()), { retryable: false, code: 'invalid_input' });
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});

describe('openai-image provider', () => {
  let server: TestServer;
  before(async () => {
    server = await startOpenAIServer({ requireKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
  });

  it('POSTs /images/generations with b64_json and returns PNG bytes', async () => {
    const p = asImage(createProvider('openai-image:dall-e-3', opts({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.url })));
    assert.equal(openaiImageFactory.kind, 'image');
    const r = await p.image('a red square', { size: '256x256', n: 2, seed: 5 }, noAbort());
    const req = server.requests[0];
    assert.equal(req.path, '/v1/images/generations');
    assert.equal(req.body.response_format, 'b64_json');
    assert.equal(req.body.prompt, 'a red square');
    assert.equal(req.body.size, '256x256');
    assert.equal(req.body.n, 2);
    assert.equal(req.body.seed, 5);
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.images.length, 2);
    assert.equal(r.images[0].mediaType, 'image/png');
    assert.deepEqual([...r.images[0].data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('a content_policy_violation 400 is a policy result', async () => {
    server.setAnswer(() => ({ policy: true }));
    const p = asImage(createProvider('openai-image:dall-e-3', opts({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.url })));
    const r = await p.image('something disallowed', {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.equal(r.images.length, 0);
    assert.match(r.policyDetail ?? '', /content_policy_violation/);
  });

  it('an empty data list is malformed_response', async () => {
    server.setAnswer((r) => r.lastUser);
    server.setFaults({ rateEmptyChoices: 1 });
    const p = asImage(createProvider('openai-image:dall-e-3', opts({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.url })));
    await rejectsProvider(p.image('x', {}, noAbort()), { code: 'malformed_response', retryable: true });
  });
});
