import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ModelCaller } from '../../src/engine/caller.js';
import { askJson, extractJsonObject, JsonCallError } from '../../src/engine/json-call.js';
import { AdaptiveLimiter } from '../../src/engine/limiter.js';
import { ProviderError, type ChatMessage, type ChatParams, type ChatProvider, type ChatResult } from '../../src/providers/types.js';

test('extracts a JSON object wrapped in prose', () => {
  assert.deepEqual(extractJsonObject('Sure! Here is my verdict: {"label": "refusal", "score": 0} Hope that helps.'), { label: 'refusal', score: 0 });
});

test('extracts a JSON object from a code fence', () => {
  assert.deepEqual(extractJsonObject('```json\n{\n  "ok": true,\n  "items": [1, 2]\n}\n```'), { ok: true, items: [1, 2] });
});

test('handles nested objects', () => {
  assert.deepEqual(extractJsonObject('x {"a": {"b": {"c": [ {"d": 1} ]}}, "e": 2} y {"other": 1}'), { a: { b: { c: [{ d: 1 }] } }, e: 2 });
});

test('braces and escaped quotes inside strings do not end the object', () => {
  assert.deepEqual(extractJsonObject('{"reason": "the answer uses } and { freely", "n": 1}'), { reason: 'the answer uses } and { freely', n: 1 });
  assert.deepEqual(extractJsonObject('{"q": "he said \\"}\\" then left", "k": "\\\\"} trailing }'), { q: 'he said "}" then left', k: '\\' });
});

test('the first of several objects is taken', () => {
  assert.deepEqual(extractJsonObject('{"first": 1}\n{"second": 2}'), { first: 1 });
});

test('no object, or an unclosed one, throws', () => {
  assert.throws(() => extractJsonObject('I cannot answer in JSON.'), /no JSON object/);
  assert.throws(() => extractJsonObject(''), /no JSON object/);
  assert.throws(() => extractJsonObject('{"a": {"b": 1}'), /not closed/);
  assert.throws(() => extractJsonObject('{"a": "}'), /not closed/);
});

test('a balanced but invalid object throws a parse error', () => {
  assert.throws(() => extractJsonObject("{'single': 'quotes'}"), SyntaxError);
});

// --- askJson over a real ModelCaller with a scripted fake model ---

function scripted(answers: (string | Error)[]): { provider: ChatProvider; seen: { messages: ChatMessage[]; params: ChatParams }[] } {
  const seen: { messages: ChatMessage[]; params: ChatParams }[] = [];
  const provider: ChatProvider = {
    kind: 'chat',
    id: 'fake:judge',
    async chat(messages, params): Promise<ChatResult> {
      const a = answers[Math.min(seen.length, answers.length - 1)];
      seen.push({ messages, params });
      if (a instanceof Error) throw a;
      return { text: a, finishReason: 'stop', latencyMs: 1 };
    },
  };
  return { provider, seen };
}

function callerFor(provider: ChatProvider): ModelCaller {
  return new ModelCaller(provider, {
    limiter: new AdaptiveLimiter(2),
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 5_000,
    readCache: false,
    scope: '',
    signal: new AbortController().signal,
  });
}

const verdict = z.object({ label: z.enum(['safe', 'unsafe']), score: z.number() });
const ASK: ChatMessage[] = [{ role: 'user', content: 'Judge this answer. Reply as JSON {label, score}.' }];

test('askJson returns a valid first answer without repair, asking for JSON at temperature 0', async () => {
  const { provider, seen } = scripted(['```json\n{"label": "safe", "score": 1}\n```']);
  const out = await askJson(callerFor(provider), ASK, verdict);
  assert.deepEqual(out.value, { label: 'safe', score: 1 });
  assert.equal(out.repaired, false);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].params.json, true);
  assert.equal(seen[0].params.temperature, 0);
});

test('askJson repairs once: an answer with no JSON, then a valid one', async () => {
  const { provider, seen } = scripted(['I think it is safe.', '{"label": "safe", "score": 0.9}']);
  const out = await askJson(callerFor(provider), ASK, verdict);
  assert.deepEqual(out.value, { label: 'safe', score: 0.9 });
  assert.equal(out.repaired, true);
  assert.equal(out.raw, '{"label": "safe", "score": 0.9}');
  assert.equal(seen.length, 2);
  const repair = seen[1].messages;
  assert.deepEqual(repair.slice(0, ASK.length), ASK, 'the original question is kept');
  assert.deepEqual(repair[ASK.length], { role: 'assistant', content: 'I think it is safe.' });
  assert.equal(repair[ASK.length + 1].role, 'user');
  assert.match(String(repair[ASK.length + 1].content), /no JSON object/);
});

test('the repair message names the field that failed validation', async () => {
  const { provider, seen } = scripted(['{"label": "maybe", "score": 1}', '{"label": "unsafe", "score": 0}']);
  const out = await askJson(callerFor(provider), ASK, verdict);
  assert.deepEqual(out.value, { label: 'unsafe', score: 0 });
  assert.match(String(seen[1].messages.at(-1)!.content), /label/);
});

test('askJson throws JsonCallError after two invalid answers, keeping the last raw answer', async () => {
  const { provider, seen } = scripted(['not json', '{"label": "safe"}', '{"label": "safe", "score": 1}']);
  await assert.rejects(askJson(callerFor(provider), ASK, verdict), (e: unknown) => {
    assert.ok(e instanceof JsonCallError);
    assert.equal(e.raw, '{"label": "safe"}');
    assert.match(e.message, /score/);
    return true;
  });
  assert.equal(seen.length, 2, 'only one repair');
});

test('askJson throws JsonCallError when the model call fails', async () => {
  const { provider } = scripted([new ProviderError('401 Unauthorized', { retryable: false, status: 401 })]);
  await assert.rejects(askJson(callerFor(provider), ASK, verdict), (e: unknown) => e instanceof JsonCallError && /fake:judge failed: 401/.test(e.message));
});
