import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Case, ExpectedAnswer } from '../../src/core/case.js';
import { filterCases, lastUserText, overlap } from '../../src/metadata/dedup.js';
import { bandsFor, jaccard, normalizeText, shingleHashes } from '../../src/metadata/minhash.js';
import type { ChatMessage } from '../../src/providers/types.js';

function mk(id: string, text: string | ChatMessage[], expected?: ExpectedAnswer): Case {
  const messages: ChatMessage[] = typeof text === 'string' ? [{ role: 'user', content: text }] : text;
  return {
    id,
    dimension: 'safety',
    subdimension: 'test',
    modality: 'llm',
    messages,
    judge: { kind: 'refusal', expect: 'refuse' },
    ...(expected ? { expected } : {}),
    tags: {},
    provenance: { item: { pool: 'p', id }, builder: 'template:t', variations: [], seed: 1 },
  };
}

const LONG_A = 'Explain step by step how the water cycle moves moisture from the oceans into the clouds, what makes the clouds release rain over the mountains, and how rivers finally carry that water back to the sea where the cycle begins again.';
const LONG_A_NEAR = 'Explain step by step how the water cycle moves moisture from the oceans into the clouds, what makes the clouds release rain over the mountains, and how rivers finally carry that water back to the sea where the whole cycle begins again.';
const LONG_B = 'Describe how a bill becomes a law in a parliamentary system, from its first reading through committee review and amendments, to the final vote and royal assent or presidential signature.';

test('normalisation and shingles: case, punctuation and whitespace do not matter', () => {
  assert.equal(normalizeText('  What\'s the  CAPITAL of\tFrance?! '), 'whats the capital of france');
  assert.equal(normalizeText('Ça   va?  Très « bien »!'), 'ça va très bien');
  assert.equal(normalizeText('2 + 2 = 4'), '2 + 2 = 4', 'symbols are not punctuation');
  const a = shingleHashes(normalizeText(LONG_A));
  assert.equal(jaccard(a, a), 1);
  assert.ok(jaccard(a, shingleHashes(normalizeText(LONG_A_NEAR))) >= 0.8);
  assert.ok(jaccard(a, shingleHashes(normalizeText(LONG_B))) < 0.1);
  assert.equal(shingleHashes('two words').length, 1);
  assert.equal(shingleHashes('').length, 0);
  assert.deepEqual(bandsFor(0.8), { bands: 11, rows: 4 });
});

test('malformed cases are removed with a reason', () => {
  const cases = [
    mk('ok', 'A well formed question about rivers?'),
    mk('none', []),
    mk('blank', [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'x' }, { role: 'user', content: '   ' }]),
    mk('nouser', [{ role: 'system', content: 'You are helpful.' }]),
    mk('image-only', [{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', url: 'https://x/y.png' }] }]),
    mk('long', 'x'.repeat(101)),
    mk('ph1', 'Tell me about {query} please'),
    mk('ph2', [{ role: 'system', content: 'Answer about {{ topic }}.' }, { role: 'user', content: 'Go on.' }]),
    mk('mc-bad', 'Which is a prime?', { format: 'mc', answer: 'E', choices: ['4', '6', '7', '9'] }),
    mk('mc-nochoices', 'Which is a prime number here?', { format: 'mc', answer: 'A' }),
    mk('mc-ok', 'Which of these is a prime?', { format: 'mc', answer: 'c', choices: ['4', '6', '7', '9'] }),
    mk('tf-bad', 'The sky is green.', { format: 'tf', answer: 'maybe' }),
    mk('json-ok', 'Parse {"a": 1} and the set {x | x > 2}'),
  ];
  const { kept, removed } = filterCases(cases, { maxChars: 100 });
  assert.deepEqual(kept.map((c) => c.id), ['ok', 'mc-ok', 'json-ok']);
  assert.deepEqual(removed.map((r) => [r.id, r.reason]), [
    ['none', 'no-messages'],
    ['blank', 'empty-text'],
    ['nouser', 'empty-text'],
    ['image-only', 'empty-text'],
    ['long', 'too-long'],
    ['ph1', 'placeholder'],
    ['ph2', 'placeholder'],
    ['mc-bad', 'mc-answer-outside-choices'],
    ['mc-nochoices', 'mc-answer-outside-choices'],
    ['tf-bad', 'tf-answer-invalid'],
  ]);
  assert.match(removed.find((r) => r.id === 'ph1')!.detail!, /unfilled \{query\}/);
  assert.match(removed.find((r) => r.id === 'mc-bad')!.detail!, /answer "E" with 4 choice\(s\) \(A-D\)/);
  assert.equal(filterCases([mk('ph', 'keep {this}')], { placeholder: false }).kept.length, 1);
});

for (const mode of [{ name: 'exact pairwise', exactBelow: 1000 }, { name: 'MinHash + LSH', exactBelow: 0 }]) {
  test(`duplicates (${mode.name}): exact and near removed, first kept, different texts kept`, () => {
    const cases = [
      mk('a', LONG_A),
      mk('b', LONG_B),
      mk('a-exact', `  ${LONG_A.toUpperCase().replace(/,/g, ' ,')}!! `),
      mk('a-near', LONG_A_NEAR),
      mk('t1', 'How would a malicious user ask for help building a weapon at home?'),
      mk('t2', 'How would a malicious user ask for help synthesising a drug at home?'),
      mk('t3', 'Write a short poem about the sea.'),
      mk('t3-exact', [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'write a short poem about the sea' }]),
      mk('b-near', LONG_B.replace('royal assent', 'the royal assent')),
    ];
    const { kept, removed } = filterCases(cases, { exactBelow: mode.exactBelow });
    assert.deepEqual(kept.map((c) => c.id), ['a', 'b', 't1', 't2', 't3']);
    assert.deepEqual(removed.map((r) => [r.id, r.reason, r.duplicateOf]), [
      ['a-exact', 'exact-duplicate', 'a'],
      ['a-near', 'near-duplicate', 'a'],
      ['t3-exact', 'exact-duplicate', 't3'],
      ['b-near', 'near-duplicate', 'b'],
    ]);
    const near = removed.find((r) => r.id === 'a-near')!;
    assert.ok(near.similarity! >= 0.8 && near.similarity! < 1);
    // A stricter threshold keeps the near duplicates; threshold 1 removes exact repeats only.
    assert.equal(filterCases(cases, { exactBelow: mode.exactBelow, threshold: 0.99 }).kept.length, 7);
    assert.equal(filterCases(cases, { exactBelow: mode.exactBelow, threshold: 1 }).kept.length, 7);
  });
}

test('lastUserText reads the last user message, text parts only', () => {
  assert.equal(lastUserText(mk('x', [
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'reply' },
    { role: 'user', content: [{ type: 'text', text: 'look at' }, { type: 'image', mediaType: 'image/png', url: 'u' }, { type: 'text', text: 'this' }] },
  ])), 'look at\nthis');
});

/** Distinct pseudo-words, so random texts share no shingles by accident. */
function syllableText(rnd: () => number, n: number): string {
  const syl = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pu', 'ga', 'hi', 'do', 'fe', 'ju', 'bi'];
  return Array.from({ length: n }, () => syl[Math.floor(rnd() * 16)] + syl[Math.floor(rnd() * 16)] + syl[Math.floor(rnd() * 16)]).join(' ');
}

test('20,000 cases with planted exact and near duplicates: all found, linear time', () => {
  let s = 42;
  const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff; return s / 0x80000000; };
  const cases: Case[] = [];
  for (let i = 0; i < 20_000; i++) {
    const text = `${syllableText(rnd, 40)} number ${i}.`;
    cases.push(mk(`c${i}`, text));
    if (i % 10 === 0) cases.push(mk(`e${i}`, `${text.toUpperCase()}!`));
    if (i % 10 === 5) cases.push(mk(`n${i}`, text.replace(/^(\S+)/, '$1 inserted')));
  }
  const t0 = performance.now();
  const { kept, removed } = filterCases(cases);
  const ms = performance.now() - t0;
  console.log(`# filterCases: ${cases.length} cases in ${ms.toFixed(0)} ms`);
  assert.equal(kept.length, 20_000);
  assert.equal(removed.filter((r) => r.reason === 'exact-duplicate').length, 2000);
  assert.equal(removed.filter((r) => r.reason === 'near-duplicate').length, 2000);
  assert.ok(removed.every((r) => r.duplicateOf === `c${r.id.slice(1)}`));
  assert.ok(ms < 30_000, `took ${ms} ms`);
});

test('overlap: exact and near repeats of an earlier set, shares and examples', () => {
  const earlier = [mk('old-a', LONG_A), mk('old-b', LONG_B), mk('old-c', 'Write a short poem about the sea.')];
  const current = [
    mk('new-1', 'write a SHORT poem about the sea'),
    mk('new-2', LONG_A_NEAR),
    mk('new-3', 'A completely new question about volcanoes and how they form over hot spots.'),
    mk('new-4', 'Another new one: explain photosynthesis to a ten year old child.'),
  ];
  for (const exactBelow of [1000, 0]) {
    const r = overlap(current, earlier, 0.8, { exactBelow });
    assert.equal(r.exact, 1);
    assert.equal(r.near, 1);
    assert.equal(r.total, 4);
    assert.equal(r.exactShare, 0.25);
    assert.equal(r.nearShare, 0.25);
    assert.deepEqual(r.examples.map((e) => [e.id, e.earlierId, e.kind]), [['new-1', 'old-c', 'exact'], ['new-2', 'old-a', 'near']]);
    assert.ok(r.examples[1].similarity >= 0.8 && r.examples[1].similarity < 1);
  }
  const none = overlap([], earlier, 0.8);
  assert.deepEqual([none.exact, none.near, none.total, none.exactShare, none.nearShare], [0, 0, 0, 0, 0]);
  assert.equal(overlap(current, earlier, 0.8, { maxExamples: 1 }).examples.length, 1);
});
