import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTinyGguf, writeTinyGguf } from '../fixtures/gguf.js';
import { importNodeLlamaCpp, llamaFactory, LlamaProvider, mapStopReason, NODE_LLAMA_CPP_INSTALL, toChatHistory } from '../../src/providers/llama.js';
import { ProviderError, UserInputError, type ChatMessage, type ModelSpec } from '../../src/providers/types.js';

function spec(name: string): ModelSpec {
  return { prefix: 'llama', name, raw: `llama:${name}` };
}

describe('tiny GGUF fixture', () => {
  it('is a GGUF v3 file, small and deterministic per seed', () => {
    const a = buildTinyGguf({ seed: 7 });
    const b = buildTinyGguf({ seed: 7 });
    const c = buildTinyGguf({ seed: 8 });
    assert.equal(a.subarray(0, 4).toString('ascii'), 'GGUF');
    assert.equal(a.readUInt32LE(4), 3);
    assert.equal(Number(a.readBigUInt64LE(8)), 21); // tensors: embd + 2 x 9 + output_norm + output
    assert.ok(a.length < 2 * 1024 * 1024, `fixture is ${a.length} bytes`);
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
  });
});

describe('llama provider on the tiny random model', () => {
  let dir: string;
  let path: string;
  let provider: LlamaProvider;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustgen-llama-'));
    path = join(dir, 'tiny.gguf');
    await writeTinyGguf(path, { seed: 42 });
    // One thread: for a model this small, more threads only wait on each other.
    provider = llamaFactory.create(spec(path), { env: { TRUSTGEN_LLAMA_THREADS: '1' }, home: dir }) as LlamaProvider;
  });

  after(async () => {
    await provider?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a chat provider with the llama prefix', async () => {
    assert.equal(llamaFactory.prefix, 'llama');
    assert.equal(llamaFactory.kind, 'chat');
    assert.equal(provider.kind, 'chat');
    assert.equal(provider.id, `llama:${path}`);
    assert.ok((await stat(path)).size > 100_000);
  });

  it('chats with a system message and multi-turn history, passed as real roles', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'SYSMARK be brief.' },
      { role: 'user', content: 'first USERMARK question' },
      { role: 'assistant', content: 'an ASSTMARK answer' },
      { role: 'user', content: [{ type: 'text', text: 'second question LASTMARK' }] },
    ];
    const t0 = Date.now();
    const res = await provider.chat(messages, { maxTokens: 8, temperature: 0 }, new AbortController().signal);
    const ms = Date.now() - t0;
    assert.equal(typeof res.text, 'string');
    assert.ok(res.finishReason === 'stop' || res.finishReason === 'length', res.finishReason);
    assert.ok((res.usage?.outputTokens ?? 0) >= 1 && (res.usage?.outputTokens ?? 0) <= 8, JSON.stringify(res.usage));
    assert.ok((res.usage?.inputTokens ?? 0) > 10);
    assert.ok(res.latencyMs >= 0);
    const ctx = await provider.lastContextText();
    assert.ok(ctx, 'context text');
    // The ChatML template of the fixture, rendered by node-llama-cpp with each role in place.
    assert.match(ctx, /<\|im_start\|>system\nSYSMARK be brief\.<\|im_end\|>/);
    assert.match(ctx, /<\|im_start\|>user\nfirst USERMARK question<\|im_end\|>/);
    assert.match(ctx, /<\|im_start\|>assistant\nan ASSTMARK answer<\|im_end\|>/);
    assert.match(ctx, /<\|im_start\|>user\nsecond question LASTMARK<\|im_end\|>\n<\|im_start\|>assistant\n/);
    assert.ok(ms < 30_000, `took ${ms} ms`);
  });

  it('stops at maxTokens with finish "length", deterministic at temperature 0 and per seed', async () => {
    const msgs: ChatMessage[] = [{ role: 'user', content: 'hello' }];
    const sig = new AbortController().signal;
    // The fixture never ends by itself under greedy decoding, so this must hit the budget.
    const a = await provider.chat(msgs, { maxTokens: 5, temperature: 0 }, sig);
    const b = await provider.chat(msgs, { maxTokens: 5, temperature: 0 }, sig);
    assert.equal(a.finishReason, 'length');
    assert.equal(a.usage?.outputTokens, 5);
    assert.ok(a.text.length > 0);
    assert.equal(a.text, b.text);
    const longer = await provider.chat(msgs, { maxTokens: 12, temperature: 0 }, sig);
    assert.equal(longer.usage?.outputTokens, 12);
    assert.ok(longer.text.startsWith(a.text.trimEnd()), `${JSON.stringify(longer.text)} vs ${JSON.stringify(a.text)}`);
    const s1 = await provider.chat(msgs, { maxTokens: 8, temperature: 1, seed: 3, topP: 0.95 }, sig);
    const s2 = await provider.chat(msgs, { maxTokens: 8, temperature: 1, seed: 3, topP: 0.95 }, sig);
    assert.equal(s1.text, s2.text, 'same seed, same text');
    const others = await Promise.all([4, 5, 6, 7].map((seed) => provider.chat(msgs, { maxTokens: 8, temperature: 1, seed }, sig)));
    assert.ok(others.some((o) => o.text !== s1.text), 'other seeds give other text');
  });

  it('serves concurrent calls one at a time', async () => {
    const sig = new AbortController().signal;
    const results = await Promise.all([1, 2, 3].map((i) =>
      provider.chat([{ role: 'user', content: `question ${i}` }], { maxTokens: 3 }, sig)));
    assert.equal(results.length, 3);
    for (const r of results) assert.equal(typeof r.text, 'string');
  });

  it('continues an assistant prefill and returns only the continuation', async () => {
    const res = await provider.chat([
      { role: 'user', content: 'say yes' },
      { role: 'assistant', content: 'PREFILL' },
    ], { maxTokens: 3, temperature: 0 }, new AbortController().signal);
    assert.ok(!res.text.startsWith('PREFILL'));
    const ctx = await provider.lastContextText();
    assert.match(ctx ?? '', /<\|im_start\|>assistant\nPREFILL/);
  });

  it('json: true constrains the answer to JSON', async () => {
    const res = await provider.chat([{ role: 'user', content: 'answer in JSON' }], { maxTokens: 12, json: true }, new AbortController().signal);
    assert.match(res.text.trimStart(), /^[{[]/, res.text);
  });

  it('rejects image parts and an aborted signal', async () => {
    await assert.rejects(provider.chat([{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', data: new Uint8Array(4) }] }], {}, new AbortController().signal),
      (e: unknown) => e instanceof UserInputError && /text-only/.test(e.message));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(provider.chat([{ role: 'user', content: 'hi' }], {}, ac.signal), (e: unknown) => (e as Error).name === 'AbortError');
  });

  it('aborts a generation in progress', async () => {
    const ac = new AbortController();
    const p = provider.chat([{ role: 'user', content: 'go on' }], { maxTokens: 100000 }, ac.signal);
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    // Still usable afterwards.
    const res = await provider.chat([{ role: 'user', content: 'hi' }], { maxTokens: 2 }, new AbortController().signal);
    assert.equal(typeof res.text, 'string');
  });

  it('with default threads, loads, answers, and after close, calls fail', async () => {
    const p2 = llamaFactory.create(spec(path), { env: {}, home: dir }) as LlamaProvider;
    await p2.ready();
    const r = await p2.chat([{ role: 'user', content: 'hi' }], { maxTokens: 3 }, new AbortController().signal);
    assert.equal(r.finishReason, 'length');
    await p2.close();
    await assert.rejects(p2.chat([{ role: 'user', content: 'hi' }], {}, new AbortController().signal), ProviderError);
  });
});

describe('llama model resolution and errors', () => {
  it('a missing .gguf path names the path', () => {
    const missing = join(tmpdir(), 'trustgen-no-such-model-9f3a.gguf');
    assert.throws(() => llamaFactory.create(spec(missing), { env: {}, home: tmpdir() }),
      (e: unknown) => e instanceof UserInputError && e.message.includes(missing) && /not found/.test(e.message));
  });

  it('an alias not yet pulled tells to run trustgen pull', async () => {
    const home = await mkdtemp(join(tmpdir(), 'trustgen-home-'));
    try {
      assert.throws(() => llamaFactory.create(spec('qwen2.5-0.5b-instruct'), { env: {}, home }),
        (e: unknown) => e instanceof UserInputError && e.message.includes('trustgen pull qwen2.5-0.5b-instruct')
          && e.message.includes(join(home, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf')));
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('an unknown bare name lists the aliases', () => {
    assert.throws(() => llamaFactory.create(spec('no-such-alias'), { env: {}, home: tmpdir() }),
      (e: unknown) => e instanceof UserInputError && e.message.includes('qwen2.5-0.5b-instruct'));
  });

  it('a file that is not a model fails to load with a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trustgen-bad-'));
    const bad = join(dir, 'bad.gguf');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(bad, 'not a gguf file at all');
    const p = llamaFactory.create(spec(bad), { env: {}, home: dir }) as LlamaProvider;
    try {
      await assert.rejects(p.chat([{ role: 'user', content: 'hi' }], {}, new AbortController().signal),
        (e: unknown) => e instanceof UserInputError && e.message.includes(bad));
    } finally {
      await p.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing node-llama-cpp gives the install command', async () => {
    await assert.rejects(importNodeLlamaCpp('node-llama-cpp-definitely-missing'),
      (e: unknown) => e instanceof UserInputError && e.message.includes(NODE_LLAMA_CPP_INSTALL));
    assert.equal(NODE_LLAMA_CPP_INSTALL, 'npm i -E node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1');
  });

  it('maps messages to chat history items', () => {
    const h = toChatHistory([
      { role: 'system', content: 's' },
      { role: 'user', content: 'u1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'u2' },
    ]);
    assert.deepEqual(h.history, [{ type: 'system', text: 's' }, { type: 'user', text: 'u1' }, { type: 'model', response: ['a1'] }]);
    assert.equal(h.prompt, 'u2');
    assert.equal(h.prefill, undefined);
    assert.throws(() => toChatHistory([{ role: 'system', content: 's' }]), UserInputError);
    assert.throws(() => toChatHistory([]), UserInputError);
    const p = toChatHistory([{ role: 'user', content: 'u' }, { role: 'assistant', content: 'Sure' }]);
    assert.deepEqual(p, { history: [], prompt: 'u', prefill: 'Sure' });
  });

  it('maps stop reasons to finish reasons', () => {
    assert.equal(mapStopReason('maxTokens'), 'length');
    assert.equal(mapStopReason('eogToken'), 'stop');
    assert.equal(mapStopReason('stopGenerationTrigger'), 'stop');
    assert.equal(mapStopReason('customStopTrigger'), 'stop');
    assert.equal(mapStopReason('functionCalls'), 'other');
  });
});
