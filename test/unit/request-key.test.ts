import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequestKey, endpointScope } from '../../src/engine/request-key.js';
import type { ChatMessage, ChatParams } from '../../src/providers/types.js';

const MODEL = 'openai:gpt-4o-mini';
const SCOPE = 'OPENAI_BASE_URL=';

test('the same request gives the same key regardless of object key order', () => {
  const a: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];
  const b = [{ content: 'Be brief.', role: 'system' }, { content: 'Hi', role: 'user' }] as ChatMessage[];
  const pa: ChatParams = { temperature: 0, maxTokens: 64, seed: 7 };
  const pb: ChatParams = { seed: 7, maxTokens: 64, temperature: 0 };
  const k = chatRequestKey(MODEL, SCOPE, a, pa);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(chatRequestKey(MODEL, SCOPE, b, pb), k);
  assert.equal(chatRequestKey(MODEL, SCOPE, a, { ...pa, topP: undefined }), k, 'an undefined param is the same as an absent one');
});

test('a change in model, scope, message order, content or params changes the key', () => {
  const m: ChatMessage[] = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }];
  const p: ChatParams = { temperature: 0 };
  const base = chatRequestKey(MODEL, SCOPE, m, p);
  const variants = [
    chatRequestKey('openai:gpt-4o', SCOPE, m, p),
    chatRequestKey(MODEL, 'OPENAI_BASE_URL=http://other', m, p),
    chatRequestKey(MODEL, SCOPE, [m[1], m[0]], p),
    chatRequestKey(MODEL, SCOPE, [{ role: 'user', content: 'Hi!' }, m[1]], p),
    chatRequestKey(MODEL, SCOPE, [{ role: 'system', content: 'Hi' }, m[1]], p),
    chatRequestKey(MODEL, SCOPE, m, { temperature: 0.7 }),
    chatRequestKey(MODEL, SCOPE, m, { temperature: 0, json: true }),
  ];
  for (const v of variants) assert.notEqual(v, base);
  assert.equal(new Set(variants).size, variants.length);
});

test('text parts and image bytes are part of the key', () => {
  const img = (byte: number): ChatMessage[] => [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image', mediaType: 'image/png', data: new Uint8Array([1, 2, byte]) }] }];
  assert.equal(chatRequestKey(MODEL, SCOPE, img(3), {}), chatRequestKey(MODEL, SCOPE, img(3), {}));
  assert.notEqual(chatRequestKey(MODEL, SCOPE, img(3), {}), chatRequestKey(MODEL, SCOPE, img(4), {}));
});

test('a different endpoint gives a different scope and so a different key', () => {
  const m: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
  const s1 = endpointScope('openai', { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' });
  const s2 = endpointScope('openai', { OPENAI_BASE_URL: 'http://127.0.0.1:8001/v1' });
  const s0 = endpointScope('openai', {});
  assert.notEqual(s1, s2);
  assert.notEqual(s0, s1);
  assert.match(s1, /127\.0\.0\.1:8000/);
  assert.notEqual(chatRequestKey(MODEL, s1, m, {}), chatRequestKey(MODEL, s2, m, {}));
  assert.notEqual(chatRequestKey(MODEL, s0, m, {}), chatRequestKey(MODEL, s1, m, {}));
});

test('each provider is scoped by its own endpoint variables', () => {
  assert.notEqual(endpointScope('ollama', { OLLAMA_HOST: 'http://a:11434' }), endpointScope('ollama', { OLLAMA_HOST: 'http://b:11434' }));
  assert.notEqual(endpointScope('anthropic', { ANTHROPIC_BASE_URL: 'http://a' }), endpointScope('anthropic', {}));
  assert.notEqual(endpointScope('google', { GOOGLE_GEMINI_BASE_URL: 'http://a' }), endpointScope('google', {}));
  assert.notEqual(
    endpointScope('azure', { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com', OPENAI_API_VERSION: '2024-06-01' }),
    endpointScope('azure', { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com', OPENAI_API_VERSION: '2024-10-21' }),
  );
  assert.equal(endpointScope('openai', { OLLAMA_HOST: 'http://a' }), endpointScope('openai', {}), "another provider's endpoint is irrelevant");
});

test('an API key in the environment never changes the scope or appears in it', () => {
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ['openai', { OPENAI_BASE_URL: 'http://h/v1' }, { OPENAI_API_KEY: 'sk-SECRET-1', OPENAI_ORG_ID: 'org-SECRET' }],
    ['anthropic', {}, { ANTHROPIC_API_KEY: 'sk-ant-SECRET-2' }],
    ['google', {}, { GOOGLE_API_KEY: 'SECRET-3', GEMINI_API_KEY: 'SECRET-4' }],
    ['azure', { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' }, { AZURE_OPENAI_API_KEY: 'SECRET-5' }],
    ['ollama', { OLLAMA_HOST: 'http://127.0.0.1:11434' }, { OLLAMA_API_KEY: 'SECRET-6' }],
  ];
  for (const [prefix, endpoint, secrets] of cases) {
    const without = endpointScope(prefix, endpoint);
    const withKey = endpointScope(prefix, { ...endpoint, ...secrets });
    assert.equal(withKey, without, `${prefix}: a key changed the scope`);
    assert.doesNotMatch(withKey, /SECRET/, `${prefix}: a key leaked into the scope`);
    const m: ChatMessage[] = [{ role: 'user', content: 'x' }];
    assert.equal(chatRequestKey(`${prefix}:m`, withKey, m, {}), chatRequestKey(`${prefix}:m`, without, m, {}));
  }
});

test('credentials in a URL are stripped from the scope', () => {
  const s = endpointScope('openai', { OPENAI_BASE_URL: 'http://user:pass@host:8080/v1' });
  assert.equal(s, 'OPENAI_BASE_URL=http://host:8080/v1');
  const t = endpointScope('ollama', { OLLAMA_HOST: 'https://tok3n@ollama.example.com' });
  assert.equal(t, 'OLLAMA_HOST=https://ollama.example.com');
  assert.equal(s, endpointScope('openai', { OPENAI_BASE_URL: 'http://other:creds@host:8080/v1' }), 'credentials never split the cache');
});

test('a password containing "@" is stripped whole', () => {
  // WHATWG URL accepts this: username "user", password "p@ss" (as p%40ss), host "host".
  assert.equal(new URL('http://user:p@ss@host/v1').host, 'host');
  const s = endpointScope('openai', { OPENAI_BASE_URL: 'http://user:p@ss@host/v1' });
  assert.doesNotMatch(s, /ss@/);
  assert.equal(s, 'OPENAI_BASE_URL=http://host/v1');
});
