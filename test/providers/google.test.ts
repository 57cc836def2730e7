import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../src/providers/registry.js';
import { parseGemini } from '../../src/providers/google.js';
import { UserInputError, type Env, type ProviderOptions } from '../../src/providers/types.js';
import { startGeminiServer, type TestServer } from '../servers/gemini-server.js';
import { HOME, PNG_BYTES, asChat, noAbort, rejectsProvider } from '../servers/harness.js';

const KEY = 'AIzaTestSECRETkey0123456789abcdefghij';
const opts = (env: Env, timeoutMs = 5000): ProviderOptions => ({ env, home: HOME, timeoutMs });

describe('google provider against the Gemini test server', () => {
  let server: TestServer;
  let env: Env;
  before(async () => {
    server = await startGeminiServer({ requireKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
    server.setAnswer((r) => `gemini heard: ${r.lastUser}`);
    env = { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url };
  });

  it('sends systemInstruction, user/model roles and the key header', async () => {
    const p = asChat(createProvider('google:gemini-test', opts(env)));
    const r = await p.chat(
      [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
      ],
      {},
      noAbort(),
    );
    assert.equal(r.text, 'gemini heard: q2');
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.usage?.outputTokens, 3);
    const req = server.requests[0];
    assert.equal(req.path, '/v1beta/models/gemini-test:generateContent');
    assert.equal(req.headers['x-goog-api-key'], KEY);
    assert.equal(req.query.key, undefined);
    assert.deepEqual(req.body.systemInstruction, { parts: [{ text: 'sys' }] });
    assert.deepEqual(req.body.contents.map((c: { role: string }) => c.role), ['user', 'model', 'user']);
  });

  it('maps params to generationConfig', async () => {
    await asChat(createProvider('google:gemini-test', opts(env))).chat([{ role: 'user', content: 'x' }], { temperature: 0.1, maxTokens: 99, topP: 0.5, seed: 11, json: true }, noAbort());
    assert.deepEqual(server.requests[0].body.generationConfig, { temperature: 0.1, maxOutputTokens: 99, topP: 0.5, seed: 11, responseMimeType: 'application/json' });
    assert.equal(server.requests[0].status, 200);
  });

  it('encodes images as inlineData', async () => {
    await asChat(createProvider('google:gemini-test', opts(env))).chat(
      [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image', mediaType: 'image/png', data: PNG_BYTES }] }],
      {},
      noAbort(),
    );
    assert.deepEqual(server.requests[0].body.contents[0].parts, [
      { text: 'what?' },
      { inlineData: { mimeType: 'image/png', data: Buffer.from(PNG_BYTES).toString('base64') } },
    ]);
    assert.equal(server.requests[0].status, 200);
  });

  it('a promptFeedback block is a policy result', async () => {
    server.setAnswer(() => ({ policy: true }));
    const r = await asChat(createProvider('google:gemini-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.match(r.policyDetail ?? '', /blockReason SAFETY/);
    assert.match(r.policyDetail ?? '', /DANGEROUS_CONTENT/);
  });

  it('a candidate stopped for SAFETY is a policy result', async () => {
    server.setFaults({ ratePolicy: 1 });
    const r = await asChat(createProvider('google:gemini-test', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(r.finishReason, 'policy');
    assert.match(r.policyDetail ?? '', /finishReason SAFETY/);
  });

  it('maps finish reasons: RECITATION is other, PROHIBITED_CONTENT/SPII/BLOCKLIST are policy, MAX_TOKENS is length', () => {
    const cand = (finishReason: string) => ({ candidates: [{ content: { parts: [{ text: 't' }] }, finishReason }] });
    assert.equal(parseGemini({ provider: 'google' }, cand('RECITATION'), 1).finishReason, 'other');
    for (const f of ['PROHIBITED_CONTENT', 'SPII', 'BLOCKLIST']) assert.equal(parseGemini({ provider: 'google' }, cand(f), 1).finishReason, 'policy');
    assert.equal(parseGemini({ provider: 'google' }, cand('MAX_TOKENS'), 1).finishReason, 'length');
  });

  it('429 is retryable with retryAfterMs (header, or RetryInfo)', async () => {
    const p = asChat(createProvider('google:gemini-test', opts(env)));
    server.setFaults({ rate429: 1, retryAfter: 4 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 429, retryable: true, retryAfterMs: 4000 }, [KEY]);
    server.setFaults({ rate429: 1, retryAfter: null });
    const e = await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 429, retryable: true }, [KEY]);
    assert.equal(e.retryAfterMs, 1000); // from RetryInfo.retryDelay "1s"
  });

  it('a 400 is not retryable; a wrong key never appears in the message', async () => {
    const wrong = 'AIzaWRONGsecretKEY0000000000000000000';
    const e = await rejectsProvider(
      asChat(createProvider('google:gemini-test', opts({ ...env, GEMINI_API_KEY: wrong }))).chat([{ role: 'user', content: 'x' }], {}, noAbort()),
      { status: 400, retryable: false },
      [wrong],
    );
    assert.match(e.message, /GEMINI_API_KEY/);
  });

  it('malformed, truncated and candidate-less bodies are retryable malformed_response; a hang is a timeout', async () => {
    const p = asChat(createProvider('google:gemini-test', opts(env, 300)));
    for (const f of [{ rateMalformed: 1 }, { rateTruncated: 1 }, { rateEmptyChoices: 1 }]) {
      server.setFaults(f);
      await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'malformed_response', retryable: true });
    }
    server.setFaults({ rateTimeout: 1 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'timeout', retryable: true });
  });

  it('GOOGLE_API_KEY also works (and wins when both are set, as in the SDK)', async () => {
    await asChat(createProvider('google:gemini-test', opts({ GOOGLE_API_KEY: KEY, GEMINI_API_KEY: 'other', GOOGLE_GEMINI_BASE_URL: server.url }))).chat([{ role: 'user', content: 'x' }], {}, noAbort());
    assert.equal(server.requests[0].headers['x-goog-api-key'], KEY);
  });

  it('a missing key is a UserInputError naming GEMINI_API_KEY', () => {
    assert.throws(() => createProvider('google:gemini-2.0-flash', opts({})), (e: unknown) => e instanceof UserInputError && /GEMINI_API_KEY/.test(e.message));
  });
});
