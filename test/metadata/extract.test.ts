import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunAborted, type CallOutcome, type ModelCaller } from '../../src/engine/caller.js';
import { extractItems, extractionSchema, type JsonModel } from '../../src/metadata/extract.js';
import type { MetadataItem } from '../../src/metadata/types.js';
import { UserInputError, type ChatMessage, type ChatParams } from '../../src/providers/types.js';

// A real ModelCaller is a JsonModel (checked at compile time).
const _callerFits: (c: ModelCaller) => JsonModel = (c) => c;
void _callerFits;

type Script = (string | { error: string } | Error)[];

/** A test double for the generator model: answers each passage from its script (by a marker in the passage text). */
function fakeModel(scripts: Record<string, Script>) {
  const calls: { messages: ChatMessage[]; params: ChatParams }[] = [];
  const used: Record<string, number> = {};
  const model: JsonModel = {
    id: 'fake:generator',
    async chat(messages: ChatMessage[], params: ChatParams): Promise<CallOutcome> {
      calls.push({ messages, params });
      const user = String(messages[1].content);
      const marker = Object.keys(scripts).find((m) => user.includes(m));
      assert.ok(marker, `no script for ${user}`);
      const n = used[marker] ?? 0;
      used[marker] = n + 1;
      const step = scripts[marker][Math.min(n, scripts[marker].length - 1)];
      if (step instanceof Error) throw step;
      if (typeof step !== 'string') return { ok: false, error: step.error, code: 'http_500', attempts: 1, cached: false, key: 'k' };
      return { ok: true, result: { text: step, finishReason: 'stop', latencyMs: 1 }, attempts: 1, cached: false, key: 'k' };
    },
  };
  return { model, calls };
}

function passage(id: string, text: string, extra: Partial<MetadataItem> = {}): MetadataItem {
  return { id, pool: 'documents', fields: { text }, source: `${id.split('#')[0]}#passage-1`, retrievedAt: '2026-01-02T03:04:05.000Z', ...extra };
}

const SCHEMA = { instruction: 'Extract factual claims a quiz question could test.', fields: ['claim', 'answer'] };

test('extraction keeps each passage\'s source and retrievedAt, numbers items per passage, keeps passage order', async () => {
  const { model, calls } = fakeModel({
    ALPHA: ['```json\n{"items": [{"claim": "Water boils at 100 C at sea level.", "answer": "100 C"}, {"claim": "Ice melts at 0 C.", "answer": "0 C", "extra": "dropped"}]}\n```'],
    GAMMA: ['{"items": [{"claim": "Paris is the capital of France."}]}', '{"items": [{"claim": "Paris is the capital of France.", "answer": "Paris"}]}'],
    DELTA: ['{"items": []}'],
  });
  const passages = [
    passage('a.txt#passage-1', 'ALPHA text about water.'),
    passage('web:1', 'GAMMA text about Paris.', { pool: 'search:brave', source: 'https://example.org/paris', retrievedAt: '2026-05-01T08:30:00.000Z' }),
    passage('d.md#passage-2', 'DELTA nothing to extract.'),
  ];
  const items = await extractItems(model, passages, SCHEMA, { seed: 7, log: () => assert.fail('nothing should be skipped') });
  assert.deepEqual(items, [
    { id: 'a.txt#passage-1/x1', pool: 'documents', fields: { claim: 'Water boils at 100 C at sea level.', answer: '100 C' }, source: 'a.txt#passage-1', retrievedAt: '2026-01-02T03:04:05.000Z' },
    { id: 'a.txt#passage-1/x2', pool: 'documents', fields: { claim: 'Ice melts at 0 C.', answer: '0 C' }, source: 'a.txt#passage-1', retrievedAt: '2026-01-02T03:04:05.000Z' },
    { id: 'web:1/x1', pool: 'search:brave', fields: { claim: 'Paris is the capital of France.', answer: 'Paris' }, source: 'https://example.org/paris', retrievedAt: '2026-05-01T08:30:00.000Z' },
  ]);
  // Four calls: one per passage plus GAMMA's repair.
  assert.equal(calls.length, 4);
  const first = calls.find((c) => String(c.messages[1].content).includes('ALPHA'))!;
  assert.equal(first.params.json, true);
  assert.equal(first.params.seed, 7);
  assert.equal(first.params.temperature, 0);
  assert.match(String(first.messages[0].content), /\{"items": \[\{"claim": "\.\.\.", "answer": "\.\.\."\}\]\}/);
  assert.match(String(first.messages[1].content), /^Extract factual claims a quiz question could test\.\n\nFields of each item: claim, answer\.\n\nSource: a\.txt#passage-1\n"""\nALPHA text about water\.\n"""$/);
});

test('a passage with invalid answers after the repair retry, or a failed call, is skipped and logged, not fatal', async () => {
  const { model, calls } = fakeModel({
    GOOD: ['{"items": [{"claim": "c", "answer": "a"}]}'],
    BAD: ['no json at all', '{"items": [{"claim": ""}]}'],
    DOWN: [{ error: 'HTTP 500 from server' }],
  });
  const logs: string[] = [];
  const items = await extractItems(model, [passage('bad#passage-1', 'BAD'), passage('good#passage-1', 'GOOD'), passage('down#passage-1', 'DOWN')], SCHEMA, { log: (m) => logs.push(m), concurrency: 1 });
  assert.deepEqual(items.map((i) => i.id), ['good#passage-1/x1']);
  assert.equal(logs.length, 2);
  assert.match(logs[0], /skipped bad#passage-1 \(bad#passage-1\): fake:generator gave no valid JSON after one repair/);
  assert.match(logs[1], /skipped down#passage-1 .*HTTP 500/);
  assert.equal(calls.filter((c) => String(c.messages[1].content).includes('BAD')).length, 2);
});

test('at most maxItemsPerPassage items; search results read as title and snippet; empty passages not sent', async () => {
  const many = JSON.stringify({ items: Array.from({ length: 8 }, (_, i) => ({ claim: `c${i}`, answer: `a${i}` })) });
  const { model, calls } = fakeModel({ 'Result title': [many] });
  const result: MetadataItem = { id: 'brave:abc#1', pool: 'search:brave', fields: { title: 'Result title', url: 'https://x.example', snippet: 'Snippet text', query: 'q' }, source: 'https://x.example', retrievedAt: '2026-05-01T00:00:00.000Z' };
  const empty = passage('e#passage-1', '   ');
  const items = await extractItems(model, [result, empty], SCHEMA, { maxItemsPerPassage: 3 });
  assert.deepEqual(items.map((i) => i.id), ['brave:abc#1/x1', 'brave:abc#1/x2', 'brave:abc#1/x3']);
  assert.ok(items.every((i) => i.source === 'https://x.example' && i.retrievedAt === '2026-05-01T00:00:00.000Z'));
  assert.equal(calls.length, 1);
  assert.match(String(calls[0].messages[1].content), /"""\nResult title\n\nSnippet text\n"""/);
  assert.match(String(calls[0].messages[0].content), /at most 3 items/);
});

test('a stopped run stops extraction; bad field names are user errors', async () => {
  const { model } = fakeModel({ X: [new RunAborted()] });
  await assert.rejects(extractItems(model, [passage('x#passage-1', 'X')], SCHEMA, { log: () => {} }), RunAborted);
  for (const fields of [[], ['ok', 'not ok'], ['a', 'a']]) {
    await assert.rejects(extractItems(model, [], { instruction: 'i', fields }), UserInputError);
  }
});

test('extractionSchema requires every field as a non-empty string', () => {
  const s = extractionSchema(['claim', 'answer']);
  assert.equal(s.safeParse({ items: [{ claim: 'x', answer: 'y' }] }).success, true);
  assert.equal(s.safeParse({ items: [{ claim: 'x' }] }).success, false);
  assert.equal(s.safeParse({ items: [{ claim: ' ', answer: 'y' }] }).success, false);
  assert.equal(s.safeParse({ items: [] }).success, true);
});
