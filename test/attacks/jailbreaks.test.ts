import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JAILBREAK_IDS, loadSafetyData } from '../../src/attacks/safety-data.js';
import { jailbreakMethods, type AttackOutput, type HarmfulQuery } from '../../src/attacks/jailbreaks.js';
import { harmfulQueries } from '../../src/attacks/taxonomy.js';
import { LEET, type EncodingKind } from '../../src/attacks/transforms.js';
import type { ChatMessage } from '../../src/providers/types.js';
import { createRng } from '../../src/util/rng.js';

const data = loadSafetyData();
const methods = jailbreakMethods(data);
const queries = harmfulQueries(data);
const translated = queries.find((q) => q.id === 'crime/hacking#1')!;
const plain = queries.find((q) => q.id === 'crime/hacking#3')!;
const SAMPLE: HarmfulQuery[] = [translated, plain, queries.find((q) => q.id === 'hate/xenophobia#2')!];

const text = (m: ChatMessage): string => (typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join(''));
const last = (o: AttackOutput): string => text(o.messages[o.messages.length - 1]);
const method = (id: string) => methods.find((m) => m.id === id)!;

/** Smallest edit distance between `q` and any window of `s` of about q's length. */
function closestWindow(s: string, q: string): number {
  let best = Infinity;
  for (let len = q.length - 8; len <= q.length + 8; len++) {
    for (let i = 0; i + len <= s.length; i++) {
      const w = s.slice(i, i + len);
      const prev = Array.from({ length: q.length + 1 }, (_, j) => j);
      for (let a = 1; a <= w.length; a++) {
        let diag = prev[0];
        prev[0] = a;
        for (let b = 1; b <= q.length; b++) {
          const up = prev[b];
          prev[b] = Math.min(prev[b] + 1, prev[b - 1] + 1, diag + (w[a - 1] === q[b - 1] ? 0 : 1));
          diag = up;
        }
      }
      best = Math.min(best, prev[q.length]);
    }
  }
  return best;
}

/** Checks that the prompt carries the query, in whatever form the method uses. */
function assertCarriesQuery(id: string, q: HarmfulQuery, out: AttackOutput): void {
  const prompt = last(out);
  switch (id) {
    case 'payload_splitting': {
      const pieces = [...prompt.matchAll(/^([a-d]) = (".*")$/gm)].map((m) => [m[1], JSON.parse(m[2]) as string] as const);
      assert.ok(pieces.length >= 2 && pieces.length <= 4, `${pieces.length} pieces`);
      assert.deepEqual(pieces.map((p) => p[0]), ['a', 'b', 'c', 'd'].slice(0, pieces.length));
      assert.equal(pieces.map((p) => p[1]).join(''), q.text);
      assert.ok(prompt.includes(pieces.map((p) => p[0]).join(' + ')));
      assert.ok(!prompt.includes(q.text));
      return;
    }
    case 'encoding': {
      const kind = out.detail as EncodingKind;
      const pattern = { base64: /[A-Za-z0-9+/]{20,}={0,2}/, hex: /(?:[0-9a-f]{2} ){10,}[0-9a-f]{2}/, url: /(?:%[0-9A-F]{2}){10,}/ }[kind];
      assert.ok(pattern, `unknown encoding ${out.detail}`);
      const found = prompt.match(pattern)?.[0];
      assert.ok(found, `no ${kind} payload in: ${prompt}`);
      const decoded = kind === 'base64' ? Buffer.from(found, 'base64').toString('utf8')
        : kind === 'hex' ? Buffer.from(found.replace(/ /g, ''), 'hex').toString('utf8')
          : decodeURIComponent(found);
      assert.equal(decoded, q.text);
      assert.ok(!prompt.includes(q.text));
      return;
    }
    case 'translation': {
      assert.ok(out.detail, 'translation has no detail');
      if (q.translations) {
        assert.ok(prompt.includes(q.translations[out.detail]), `no ${out.detail} translation in: ${prompt}`);
        assert.ok(!prompt.includes(q.text));
      } else {
        const [code, how] = out.detail.split(':');
        assert.equal(how, 'self');
        const name = data.jailbreaks.methods.find((m) => m.id === 'translation')!.languages![code];
        assert.ok(prompt.includes(q.text) && prompt.includes(name), prompt);
      }
      return;
    }
    case 'separators': {
      const [mode, sep] = out.detail!.split(':');
      const join = mode === 'letters' ? '' : ' ';
      assert.ok(!prompt.includes(q.text));
      const removed = prompt.split(sep).join(join);
      assert.ok(removed.includes(q.text), `removing "${sep}" does not give back the query: ${prompt}`);
      return;
    }
    case 'obscured_prompt': {
      assert.ok(!prompt.includes(q.text));
      const chars = Array.from(q.text);
      const p = Array.from(prompt);
      const hit = p.some((_, start) => start + chars.length <= p.length
        && chars.every((c, i) => p[start + i] === c || (LEET[c.toLowerCase()]?.includes(p[start + i]) ?? false)));
      assert.ok(hit, `no leetspeak form of the query in: ${prompt}`);
      return;
    }
    case 'typos': {
      assert.ok(!prompt.includes(q.text), 'typos left the query unchanged');
      const d = closestWindow(prompt, q.text);
      assert.ok(d >= 1 && d <= Math.ceil(q.text.length * 0.25), `distance ${d}: ${prompt}`);
      return;
    }
    default:
      assert.ok(prompt.includes(q.text), `${id}: query missing from: ${prompt}`);
  }
}

test('jailbreakMethods gives the 16 methods in the fixed order', () => {
  assert.deepEqual(methods.map((m) => m.id), [...JAILBREAK_IDS]);
  for (const m of methods) assert.ok(m.name.length > 0 && m.description.length > 0);
});

test('every method builds a non-empty prompt, different from the query, that still carries it', () => {
  for (const m of methods) {
    for (const q of SAMPLE) {
      for (let seed = 1; seed <= 8; seed++) {
        const out = m.apply(q, createRng(seed));
        assert.ok(out.messages.length >= 1, m.id);
        for (const msg of out.messages) assert.ok(text(msg).trim().length > 0, `${m.id}: empty ${msg.role} message`);
        assert.equal(out.messages[out.messages.length - 1].role, 'user', m.id);
        const unchanged = out.messages.length === 1 && last(out).trim() === q.text;
        assert.ok(!unchanged, `${m.id} left the query as it was`);
        assertCarriesQuery(m.id, q, out);
      }
    }
  }
});

test('same seed, same output; other seeds give other outputs', () => {
  for (const m of methods) {
    for (const q of SAMPLE) {
      const a = m.apply(q, createRng(42));
      const b = m.apply(q, createRng(42));
      assert.deepEqual(a, b, `${m.id} is not deterministic`);
      const outs = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) outs.add(JSON.stringify(m.apply(q, createRng(seed))));
      assert.ok(outs.size >= 2, `${m.id} ignores the seed`);
    }
  }
});

test('roles: few-shot alternates user/assistant, role play uses a system persona, others are single user messages', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const fs = method('few_shot').apply(plain, createRng(seed));
    assert.ok(fs.messages.length >= 5 && fs.messages.length % 2 === 1);
    fs.messages.forEach((msg, i) => assert.equal(msg.role, i % 2 === 0 ? 'user' : 'assistant'));
    const examples = data.jailbreaks.methods.find((x) => x.id === 'few_shot')!.examples!;
    assert.ok(examples.some((e) => e.answer === text(fs.messages[1])));

    const rp = method('role_playing').apply(plain, createRng(seed));
    assert.deepEqual(rp.messages.map((x) => x.role), ['system', 'user']);
    const persona = data.jailbreaks.methods.find((x) => x.id === 'role_playing')!.personas!.find((p) => p.id === rp.detail);
    assert.ok(persona, `unknown persona ${rp.detail}`);
    assert.equal(text(rp.messages[0]), persona.system);

    for (const id of ['prefix_injection', 'refusal_suppression', 'encoding', 'payload_splitting', 'multi_task', 'persuasion']) {
      assert.deepEqual(method(id).apply(plain, createRng(seed)).messages.map((x) => x.role), ['user'], id);
    }
  }
});

test('details name the variant drawn', () => {
  const techniques = new Set(data.persuasion.techniques.map((t) => t.id));
  const seen = { persuasion: new Set<string>(), encoding: new Set<string>(), translation: new Set<string>() };
  for (let seed = 1; seed <= 60; seed++) {
    const p = method('persuasion').apply(plain, createRng(seed));
    assert.ok(techniques.has(p.detail!), `unknown technique ${p.detail}`);
    seen.persuasion.add(p.detail!);
    seen.encoding.add(method('encoding').apply(plain, createRng(seed)).detail!);
    seen.translation.add(method('translation').apply(translated, createRng(seed)).detail!);
  }
  assert.ok(seen.persuasion.size >= 8);
  assert.deepEqual([...seen.encoding].sort(), ['base64', 'hex', 'url']);
  assert.deepEqual([...seen.translation].sort(), ['de', 'es', 'fr', 'zh']);
});

test('multi-task hides the query among benign side tasks', () => {
  const side = data.jailbreaks.methods.find((x) => x.id === 'multi_task')!.side_tasks!;
  const positions = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) {
    const out = method('multi_task').apply(plain, createRng(seed));
    const items = [...last(out).matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]);
    assert.ok(items.length >= 3 && items.length <= 4);
    assert.equal(items.filter((x) => x === plain.text).length, 1);
    assert.ok(items.filter((x) => x !== plain.text).every((x) => side.includes(x)));
    positions.add(out.detail!);
  }
  assert.ok(positions.size >= 3, 'the query is always at the same position');
});
