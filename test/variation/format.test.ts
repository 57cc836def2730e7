import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseIdentity, type Case, type ExpectedAnswer } from '../../src/core/case.js';
import { ModelCaller } from '../../src/engine/caller.js';
import { Generator } from '../../src/engine/generator.js';
import { JsonCallError } from '../../src/engine/json-call.js';
import { AdaptiveLimiter } from '../../src/engine/limiter.js';
import type { ChatMessage, ChatProvider } from '../../src/providers/types.js';
import { contentId } from '../../src/util/hash.js';
import { createRng } from '../../src/util/rng.js';
import { mcToOpen, mcToTf, openToMc, openToTf, tfStatement, tfToMc } from '../../src/variation/format.js';
import { MC_INSTRUCTION, parseMc, renderMc } from '../../src/variation/mc.js';

/** A Generator over a fake model: `answer` sees the messages of each call and returns its text. */
function fakeGenerator(answer: (messages: ChatMessage[]) => string): { gen: Generator; calls: ChatMessage[][] } {
  const calls: ChatMessage[][] = [];
  const provider: ChatProvider = {
    kind: 'chat', id: 'fake:gen',
    async chat(messages) {
      calls.push(messages);
      return { text: answer(messages), finishReason: 'stop', latencyMs: 1 };
    },
  };
  const caller = new ModelCaller(provider, {
    limiter: new AdaptiveLimiter(4), retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 5_000,
    readCache: false, scope: 'fake', signal: new AbortController().signal,
  });
  return { gen: new Generator(caller, 1), calls };
}

const text = (m: ChatMessage[]): string => m.map((x) => (typeof x.content === 'string' ? x.content : '')).join('\n');
const lastUser = (c: Case): string => c.messages.at(-1)!.content as string;

function makeCase(content: string, expected?: ExpectedAnswer): Case {
  const base = {
    dimension: 'truthfulness', subdimension: 'hallucination', modality: 'llm' as const,
    messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content }],
    judge: { kind: 'refusal' as const, expect: 'comply' as const },
    expected, tags: { source: 'test' },
    provenance: { item: { pool: 'test', id: 'q1' }, builder: 'template:test', variations: [], seed: 1 },
  };
  return { ...base, id: contentId(caseIdentity(base)) };
}

const QUESTION = 'Which planet is known as the Red Planet?';
const CHOICES = ['Venus', 'Mars', 'Jupiter', 'Mercury'];
const MC = makeCase(renderMc(QUESTION, CHOICES, MC_INSTRUCTION), { format: 'mc', answer: 'B', choices: CHOICES });
const OPEN = makeCase('What is the capital of Australia?', { format: 'open', answer: 'Canberra' });
const TF = makeCase('True or false: The Great Wall of China is visible from the Moon with the naked eye.', { format: 'tf', answer: 'false' });
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function assertDerived(orig: Case, v: Case, label: string): void {
  assert.deepEqual(v.provenance.variations, [...orig.provenance.variations, label]);
  assert.equal(v.tags.variation, label);
  assert.equal(v.tags.source, 'test');
  assert.equal(v.id, contentId(caseIdentity(v)));
  assert.notEqual(v.id, orig.id);
  assert.deepEqual(v.messages[0], orig.messages[0], 'the system message is kept');
}

test('renderMc and parseMc are inverses, with and without an instruction', () => {
  const t = renderMc(QUESTION, CHOICES);
  assert.equal(t, 'Which planet is known as the Red Planet?\nA) Venus\nB) Mars\nC) Jupiter\nD) Mercury');
  assert.deepEqual(parseMc(t), { question: QUESTION, choices: CHOICES });
  assert.deepEqual(parseMc(renderMc(QUESTION, CHOICES, MC_INSTRUCTION)), { question: QUESTION, choices: CHOICES, instruction: MC_INSTRUCTION });
  assert.deepEqual(parseMc('Pick one:\n(A) red\n(B) blue'), { question: 'Pick one:', choices: ['red', 'blue'] });
  assert.equal(parseMc('No options here.'), null);
  assert.equal(parseMc('A) only\nB) options'), null, 'no question');
  assert.equal(parseMc('Q?\nA) one\nC) skipped B'), null, 'letters must run A, B, C...');
  assert.throws(() => renderMc('Q?', ['one']), /2 to 26 options/);
});

test('mc->tf: a true case names the right choice, a false case a wrong one; both occur', async () => {
  const answers = new Set<string>();
  for (const seed of SEEDS) {
    const v = (await mcToTf.apply(MC, createRng(seed)))!;
    assertDerived(MC, v, 'format:mc->tf');
    assert.equal(v.expected?.format, 'tf');
    const q = lastUser(v);
    assert.ok(q.startsWith(`True or false: the answer to "${QUESTION}" is "`), q);
    const named = /is "([^"]+)"\.$/.exec(q)![1];
    if (v.expected!.answer === 'true') assert.equal(named, 'Mars');
    else {
      assert.equal(v.expected!.answer, 'false');
      assert.ok(CHOICES.includes(named) && named !== 'Mars', named);
    }
    assert.equal(v.expected!.choices, undefined);
    answers.add(v.expected!.answer);
  }
  assert.deepEqual([...answers].sort(), ['false', 'true']);
});

test('mc->open: options dropped, the answer is the right choice text', async () => {
  const v = (await mcToOpen.apply(MC, createRng(1)))!;
  assertDerived(MC, v, 'format:mc->open');
  assert.equal(lastUser(v), QUESTION);
  assert.deepEqual(v.expected, { format: 'open', answer: 'Mars' });
  const refers = makeCase(renderMc('Which of the following is a gas giant?', CHOICES), { format: 'mc', answer: 'C', choices: CHOICES });
  assert.equal(await mcToOpen.apply(refers, createRng(1)), null, 'a question that refers to its options cannot drop them');
  const above = makeCase(renderMc('Which are planets?', ['Mars', 'Venus', 'All of the above']), { format: 'mc', answer: 'C' });
  assert.equal(await mcToOpen.apply(above, createRng(1)), null);
});

test('format variators return null without an expected answer or in another format', async () => {
  const plain = makeCase('Tell me a joke.');
  for (const v of [mcToTf, mcToOpen, tfToMc, openToMc, openToTf]) {
    const { gen } = fakeGenerator(() => '{"distractors": ["a", "b", "c"]}');
    assert.equal(await v.apply(plain, createRng(1), gen), null, `${v.id} on a case without expected`);
  }
  assert.equal(await mcToTf.apply(OPEN, createRng(1)), null);
  assert.equal(await mcToOpen.apply(TF, createRng(1)), null);
  const { gen } = fakeGenerator(() => '{"distractors": ["a", "b", "c"]}');
  assert.equal(await openToMc.apply(MC, createRng(1), gen), null);
  assert.equal(await tfToMc.apply(OPEN, createRng(1), gen), null);
  assert.equal(await openToMc.apply(OPEN, createRng(1)), null, 'no generator: does not apply');
  const badLetter = makeCase(renderMc(QUESTION, CHOICES), { format: 'mc', answer: 'F' });
  assert.equal(await mcToTf.apply(badLetter, createRng(1)), null, 'an answer letter outside the options');
});

test('open->mc (fake generator): the right answer sits at the stated letter, at varying positions', async () => {
  const { gen, calls } = fakeGenerator(() => JSON.stringify({ distractors: ['Sydney', 'Melbourne', 'Perth'] }));
  const letters = new Set<string>();
  for (const seed of SEEDS.slice(0, 16)) {
    const v = (await openToMc.apply(OPEN, createRng(seed), gen))!;
    assertDerived(OPEN, v, 'format:open->mc');
    const e = v.expected!;
    assert.equal(e.format, 'mc');
    const i = e.answer.charCodeAt(0) - 65;
    assert.equal(e.choices![i], 'Canberra');
    assert.deepEqual([...e.choices!].sort(), ['Canberra', 'Melbourne', 'Perth', 'Sydney']);
    const parsed = parseMc(lastUser(v))!;
    assert.equal(parsed.question, 'What is the capital of Australia?');
    assert.deepEqual(parsed.choices, e.choices);
    assert.ok(lastUser(v).includes(`\n${e.answer}) Canberra\n`));
    letters.add(e.answer);
  }
  assert.ok(letters.size >= 3, `positions vary: ${[...letters]}`);
  assert.match(text(calls[0]), /Right answer: Canberra/);
  assert.match(text(calls[0]), /Write 3 plausible but wrong answers/);
});

test('open->mc: a distractor equal to the right answer is repaired once, then the call fails', async () => {
  let n = 0;
  const { gen } = fakeGenerator(() => (n++ === 0 ? '{"distractors": ["canberra", "Perth", "Hobart"]}' : '{"distractors": ["Darwin", "Perth", "Hobart"]}'));
  const v = (await openToMc.apply(OPEN, createRng(2), gen))!;
  assert.ok(!v.expected!.choices!.includes('canberra'));
  assert.equal(n, 2, 'one repair round');
  const bad = fakeGenerator(() => '{"distractors": ["Perth", "Perth", "Hobart"]}');
  await assert.rejects(openToMc.apply(OPEN, createRng(2), bad.gen), JsonCallError);
});

test('tf->mc: the statement among three statements of the other truth value', async () => {
  assert.equal(tfStatement(lastUser(TF)), 'The Great Wall of China is visible from the Moon with the naked eye.');
  assert.equal(tfStatement('Is it true that water boils at 100 degrees Celsius at sea level?'), 'Water boils at 100 degrees Celsius at sea level.');
  assert.equal(tfStatement('Paris is in France. True or false?'), 'Paris is in France.');
  assert.equal(tfStatement('Why is the sky blue?'), null);
  const { gen, calls } = fakeGenerator(() => JSON.stringify({ distractors: ['The Great Wall is in China.', 'The Moon orbits the Earth.', 'Walls cast shadows.'] }));
  const v = (await tfToMc.apply(TF, createRng(5), gen))!;
  assertDerived(TF, v, 'format:tf->mc');
  const parsed = parseMc(lastUser(v))!;
  assert.equal(parsed.question, 'Which of the following statements is false?');
  const i = v.expected!.answer.charCodeAt(0) - 65;
  assert.equal(parsed.choices[i], 'The Great Wall of China is visible from the Moon with the naked eye.');
  assert.match(text(calls[0]), /statements on the same topic that are true/);
});

test('open->tf: true names the reference answer, false a generated wrong one; no model call for true', async () => {
  const { gen, calls } = fakeGenerator(() => '{"distractors": ["Sydney"]}');
  const seen = new Set<string>();
  for (const seed of SEEDS.slice(0, 12)) {
    const before = calls.length;
    const v = (await openToTf.apply(OPEN, createRng(seed), gen))!;
    assertDerived(OPEN, v, 'format:open->tf');
    const q = lastUser(v);
    if (v.expected!.answer === 'true') {
      assert.equal(q, 'True or false: the answer to "What is the capital of Australia?" is "Canberra".');
      assert.equal(calls.length, before);
    } else {
      assert.equal(q, 'True or false: the answer to "What is the capital of Australia?" is "Sydney".');
    }
    seen.add(v.expected!.answer);
  }
  assert.deepEqual([...seen].sort(), ['false', 'true']);
});

test('the original case is not modified by a conversion', async () => {
  const before = JSON.stringify(MC);
  await mcToTf.apply(MC, createRng(1));
  await mcToOpen.apply(MC, createRng(1));
  assert.equal(JSON.stringify(MC), before);
});
