import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../src/providers/registry.js';
import { detectOllama, ollamaBaseUrl } from '../../src/providers/ollama.js';
import type { Env, ProviderOptions } from '../../src/providers/types.js';
import { startOllamaServer, type TestServer } from '../servers/ollama-server.js';
import { HOME, PNG_BYTES, asChat, noAbort, rejectsProvider } from '../servers/harness.js';

const opts = (env: Env, timeoutMs = 5000): ProviderOptions => ({ env, home: HOME, timeoutMs });

describe('ollama provider against the Ollama test server', () => {
  let server: TestServer;
  let env: Env;
  before(async () => {
    server = await startOllamaServer({ models: ['llama3:8b', 'llava:7b'] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.setFaults({});
    server.setAnswer((r) => `ollama heard: ${r.lastUser}`);
    env = { OLLAMA_HOST: server.url.replace(/^http:\/\//, '') };
  });

  it('POSTs /api/chat with stream:false and real roles; the model name keeps its colon', async () => {
    const p = asChat(createProvider('ollama:llama3:8b', opts(env)));
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
    assert.equal(r.text, 'ollama heard: q2');
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.usage?.outputTokens, 3);
    const b = server.requests[0].body;
    assert.equal(server.requests[0].path, '/api/chat');
    assert.equal(b.model, 'llama3:8b');
    assert.equal(b.stream, false);
    assert.deepEqual(b.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'user']);
  });

  it('maps params to options and json to format', async () => {
    await asChat(createProvider('ollama:llama3:8b', opts(env))).chat([{ role: 'user', content: 'x' }], { temperature: 0.4, maxTokens: 12, topP: 0.7, seed: 42, json: true }, noAbort());
    const b = server.requests[0].body;
    assert.deepEqual(b.options, { temperature: 0.4, num_predict: 12, top_p: 0.7, seed: 42 });
    assert.equal(b.format, 'json');
  });

  it('sends images as a base64 list on the message', async () => {
    await asChat(createProvider('ollama:llava:7b', opts(env))).chat(
      [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image', mediaType: 'image/png', data: PNG_BYTES }] }],
      {},
      noAbort(),
    );
    const m = server.requests[0].body.messages[0];
    assert.equal(m.content, 'see');
    assert.deepEqual(m.images, [Buffer.from(PNG_BYTES).toString('base64')]);
    assert.equal(server.requests[0].status, 200);
  });

  it('num_predict exhaustion is length', async () => {
    server.setAnswer(() => 'w1 w2 w3 w4');
    const r = await asChat(createProvider('ollama:llama3:8b', opts(env))).chat([{ role: 'user', content: 'x' }], { maxTokens: 2 }, noAbort());
    assert.equal(r.finishReason, 'length');
    assert.equal(r.text, 'w1 w2');
  });

  it('an unknown model is a non-retryable 404 with a pull hint', async () => {
    const e = await rejectsProvider(asChat(createProvider('ollama:nope:1b', opts(env))).chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 404, retryable: false });
    assert.match(e.message, /ollama pull nope:1b/);
  });

  it('faults: 503 retryable, malformed/truncated/empty malformed_response, hang timeout', async () => {
    const p = asChat(createProvider('ollama:llama3:8b', opts(env, 300)));
    server.setFaults({ rate503: 1 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { status: 503, retryable: true });
    for (const f of [{ rateMalformed: 1 }, { rateTruncated: 1 }, { rateEmptyChoices: 1 }]) {
      server.setFaults(f);
      await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'malformed_response', retryable: true });
    }
    server.setFaults({ rateTimeout: 1 });
    await rejectsProvider(p.chat([{ role: 'user', content: 'x' }], {}, noAbort()), { code: 'timeout', retryable: true });
  });

  it('detectOllama lists the models, and is null when nothing listens', async () => {
    assert.deepEqual(await detectOllama(env), ['llama3:8b', 'llava:7b']);
    const gone = await startOllamaServer();
    const host = gone.url;
    await gone.close();
    assert.equal(await detectOllama({ OLLAMA_HOST: host }, 300), null);
  });
});

describe('ollama concurrency', () => {
  it('declares OLLAMA_NUM_PARALLEL (default 4) as its maxConcurrency', () => {
    const p = asChat(createProvider('ollama:m', opts({})));
    assert.equal(p.maxConcurrency, 4);
    assert.equal(asChat(createProvider('ollama:m', opts({ OLLAMA_NUM_PARALLEL: '2' }))).maxConcurrency, 2);
  });
});

describe('OLLAMA_HOST parsing', () => {
  it('reads it as Ollama does', () => {
    assert.equal(ollamaBaseUrl({}), 'http://127.0.0.1:11434');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: '127.0.0.1:11434' }), 'http://127.0.0.1:11434');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: '0.0.0.0:11434' }), 'http://127.0.0.1:11434');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: '0.0.0.0' }), 'http://127.0.0.1:11434');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: 'gpu-box' }), 'http://gpu-box:11434');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: 'http://gpu-box:9999/' }), 'http://gpu-box:9999');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: 'https://ollama.example.com' }), 'https://ollama.example.com:443');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: '[::1]:5000' }), 'http://[::1]:5000');
    assert.equal(ollamaBaseUrl({ OLLAMA_HOST: '[::]:11434' }), 'http://127.0.0.1:11434');
  });
});
