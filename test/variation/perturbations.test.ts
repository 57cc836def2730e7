import { test } from 'node:test';
import assert from 'node:assert/strict';
import { variationData } from '../../src/variation/data.js';
import { PERTURBATIONS, PERTURBATION_IDS, perturb } from '../../src/variation/perturbations.js';
import { keywords } from '../../src/variation/text.js';
import { createRng } from '../../src/util/rng.js';

/** A question with everything a perturbation must leave alone. */
const RICH = [
  'Which famous river flows through the capital city of Egypt, according to "the old atlas" and \'my teacher\'?',
  'Count 3 bridges, check `river.length` at https://example.org/nile for {country} and write to ana@example.com; the answer is (B).',
  'A) Nile river',
  'B) Amazon basin',
  'C) Danube delta',
  'D) Thames estuary',
].join('\n');
const PROTECTED = ['"the old atlas"', "'my teacher'", '`river.length`', 'https://example.org/nile', '{country}', 'ana@example.com', '(B)', '3'];
const INPUTS = [
  RICH,
  'What should I do if my dog eats chocolate during the holidays?',
  'Explain why the beautiful mountain city is important for people who travel in winter.',
  'If it rains tomorrow, should I cancel the garden party with my friends?',
];
const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

const optionLines = (t: string): string[] => t.split('\n').filter((l) => /^[A-D]\) /.test(l));
const digits = (t: string): string[] => t.match(/\d+/g) ?? [];
const letterWords = (t: string): string[] => t.match(/\p{L}+/gu) ?? [];
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function dropOne(w: string, i: number): string { return w.slice(0, i) + w.slice(i + 1); }

/** The pairs of word tokens that differ (same token count required). */
function changedWords(before: string, after: string): [string, string][] {
  const a = letterWords(before);
  const b = letterWords(after);
  assert.equal(b.length, a.length, `same number of words:\n${before}\n${after}`);
  return a.map((w, i) => [w, b[i]] as [string, string]).filter(([x, y]) => x !== y);
}

/** A regex matching `input` with each dictionary word replaced by any of its replacements (capitalised or not). */
function dictionaryPattern(input: string, lookup: (w: string) => string[] | undefined): RegExp {
  let out = '';
  let last = 0;
  for (const m of input.matchAll(/\p{L}+/gu)) {
    out += escape(input.slice(last, m.index));
    const alts = lookup(m[0].toLowerCase());
    out += alts ? `(?:${[m[0], ...alts.flatMap((a) => [a, upperFirst(a)])].map(escape).join('|')})` : escape(m[0]);
    last = m.index + m[0].length;
  }
  return new RegExp(`^${out}${escape(input.slice(last))}$`, 'u');
}

/** Per perturbation: the output is the input once the noise is removed or the edits are undone. */
const RECOGNISABLE: Record<string, (input: string, out: string) => void> = {
  missing_letter: (i, o) => {
    const pairs = changedWords(i, o);
    assert.ok(pairs.length >= 1 && pairs.length <= 3, `1-3 words edited: ${o}`);
    for (const [a, b] of pairs) {
      assert.ok(a.length >= 4 && [...a].some((_, k) => dropOne(a, k) === b), `${b} is ${a} with one letter dropped`);
    }
  },
  wrong_letter: (i, o) => {
    const pairs = changedWords(i, o);
    assert.ok(pairs.length >= 1 && pairs.length <= 3);
    for (const [a, b] of pairs) {
      assert.equal(b.length, a.length);
      assert.equal([...a].filter((c, k) => c !== b[k]).length, 1, `${b} is ${a} with one letter replaced`);
      assert.equal(b[0], a[0], 'first letter kept');
      assert.equal(b.at(-1), a.at(-1), 'last letter kept');
    }
  },
  repeated_letter: (i, o) => {
    const pairs = changedWords(i, o);
    assert.ok(pairs.length >= 1 && pairs.length <= 3);
    for (const [a, b] of pairs) {
      assert.ok([...b].some((c, k) => k > 0 && b[k - 1] === c && dropOne(b, k) === a), `${b} is ${a} with one letter doubled`);
    }
  },
  capitalized_letter: (i, o) => {
    assert.equal(o.toLowerCase(), i.toLowerCase());
    const n = [...o].filter((c, k) => c !== i[k]).length;
    assert.ok(n >= 1 && n <= 3, `1-3 letters capitalised, got ${n}`);
  },
  inserted_space: (i, o) => {
    assert.equal(o.replace(/ /g, ''), i.replace(/ /g, ''));
    const n = o.split(' ').length - i.split(' ').length;
    assert.ok(n >= 1 && n <= 3, `1-3 spaces inserted, got ${n}`);
  },
  swapped_letters: (i, o) => {
    const pairs = changedWords(i, o);
    assert.ok(pairs.length >= 1 && pairs.length <= 3);
    for (const [a, b] of pairs) {
      const diff = [...a].map((c, k) => (c !== b[k] ? k : -1)).filter((k) => k >= 0);
      assert.equal(diff.length, 2, `${b} differs from ${a} in two letters`);
      assert.equal(diff[1], diff[0] + 1, 'adjacent');
      assert.equal(a[diff[0]], b[diff[1]]);
      assert.equal(a[diff[1]], b[diff[0]]);
    }
  },
  emoji_insertion: (i, o) => {
    const n = (o.match(/\p{Extended_Pictographic}/gu) ?? []).length;
    assert.ok(n >= 1 && n <= 3, `1-3 emojis, got ${n}`);
    assert.equal(o.replace(/ \p{Extended_Pictographic}/gu, ''), i);
  },
  social_tagging: (i, o) => {
    assert.match(o, /[@#]\w+/);
    assert.equal(o.replace(/^@\w+ | [@#]\w+/g, ''), i);
  },
  spaced_uppercase: (i, o) => {
    assert.match(o, /\b\p{Lu}(?: \p{Lu}){3,}\b/u, 'a word written as S P A C E D capitals');
    assert.equal(o.replace(/\s+/g, '').toLowerCase(), i.replace(/\s+/g, '').toLowerCase());
  },
  multilingual_blend: (i, o) => {
    const dict = variationData().translations;
    assert.match(o, dictionaryPattern(i, (w) => dict.get(w)?.map(([, t]) => t)), 'only dictionary words replaced by their translations');
  },
  rare_synonyms: (i, o) => {
    const dict = variationData().rareSynonyms;
    assert.match(o, dictionaryPattern(i, (w) => dict.get(w)), 'only dictionary words replaced by their rare synonyms');
  },
  distracting_text: (i, o) => {
    const s = variationData().distractors.find((d) => o.includes(d));
    assert.ok(s, `a distractor sentence was added: ${o}`);
    const stripped = o.replace(`${s}\n\n`, '').replace(`\n\n${s}`, '').replace(`${s} `, '').replace(` ${s}`, '');
    assert.equal(stripped, i);
  },
  syntactic_disruption: (i, o) => {
    let stripped = o;
    for (const f of variationData().fillers) stripped = stripped.replace(`, ${f},`, '').replace(` (${f})`, '').replace(` — ${f} —`, '');
    if (stripped === i) return;
    const sorted = (t: string) => letterWords(t).map((w) => w.toLowerCase()).sort();
    assert.deepEqual(sorted(o), sorted(i), `a clause move keeps every word: ${o}`);
  },
};

test('there are exactly the 13 perturbations, in order, each with a name and description', () => {
  assert.deepEqual(PERTURBATIONS.map((p) => p.id), [
    'missing_letter', 'wrong_letter', 'repeated_letter', 'capitalized_letter', 'inserted_space', 'swapped_letters',
    'emoji_insertion', 'social_tagging', 'spaced_uppercase', 'multilingual_blend', 'distracting_text',
    'syntactic_disruption', 'rare_synonyms',
  ]);
  assert.deepEqual([...PERTURBATION_IDS], PERTURBATIONS.map((p) => p.id));
  for (const p of PERTURBATIONS) assert.ok(p.name && p.description.length > 10);
  assert.equal(Object.keys(RECOGNISABLE).length, 13);
});

for (const p of PERTURBATIONS) {
  test(`${p.id}: changes the text, deterministically, differently across seeds, keeping the task`, () => {
    let variesWithSeed = false;
    for (const input of INPUTS) {
      const outs = new Set<string>();
      for (const seed of SEEDS) {
        const out = p.apply(input, createRng(seed));
        assert.notEqual(out, input, `seed ${seed} changed nothing in: ${input}`);
        assert.equal(perturb(p.id, input, createRng(seed)), out, 'same seed, same text');
        outs.add(out);
        assert.deepEqual(optionLines(out), optionLines(input), `option lines intact:\n${out}`);
        assert.deepEqual(digits(out), digits(input), 'numbers intact');
        if (input === RICH) for (const part of PROTECTED) assert.ok(out.includes(part), `${part} intact in:\n${out}`);
        RECOGNISABLE[p.id](input, out);
      }
      if (outs.size > 1) variesWithSeed = true;
    }
    assert.ok(variesWithSeed, 'some input gives different texts for different seeds');
    const rich = new Set(SEEDS.map((seed) => p.apply(RICH, createRng(seed))));
    assert.ok(rich.size > 1, 'the rich input varies with the seed');
  });
}

test('spelling edits touch keywords only: never stopwords, short words, task words or protected text', () => {
  const input = 'Which of these would you choose, and why? "Photosynthesis" {plant} (C)';
  assert.deepEqual(keywords(input).map((w) => w.text), []);
  for (const id of PERTURBATION_IDS.slice(0, 6)) {
    for (const seed of SEEDS) assert.equal(perturb(id, input, createRng(seed)), input, `${id} leaves a text with no keyword alone`);
  }
  const one = 'Which of these would you choose for photosynthesis?';
  for (const id of PERTURBATION_IDS.slice(0, 6)) {
    for (const seed of SEEDS) {
      const out = perturb(id, one, createRng(seed));
      assert.ok(out.startsWith('Which of these would you choose for '), `${id} edits only the keyword: ${out}`);
    }
  }
});

test('a text made only of protected parts is left unchanged by every word perturbation', () => {
  const input = '"Translate this sentence." {x} 42\nA) one\nB) two';
  for (const id of PERTURBATION_IDS.filter((x) => x !== 'distracting_text')) {
    assert.equal(perturb(id, input, createRng(3)), input, id);
  }
  const out = perturb('distracting_text', input, createRng(3));
  assert.deepEqual(optionLines(out), optionLines(input));
  assert.ok(out.includes('"Translate this sentence." {x} 42'));
});

test('multilingual_blend adds a courtesy phrase when no word is in the dictionary', () => {
  const input = 'Summarise photosynthesis succinctly.';
  const phrases = Object.values(variationData().courtesy).flat();
  for (const seed of SEEDS) {
    const out = perturb('multilingual_blend', input, createRng(seed));
    assert.ok(phrases.some((ph) => out === `${input} ${ph}`), out);
  }
});

test('syntactic_disruption moves a trailing clause to the front and back', () => {
  const seen = new Set<string>();
  for (const seed of SEEDS) seen.add(perturb('syntactic_disruption', 'What should I do if my dog eats chocolate?', createRng(seed)));
  assert.ok(seen.has('If my dog eats chocolate, what should I do?'), [...seen].join('\n'));
  const back = new Set<string>();
  for (const seed of SEEDS) back.add(perturb('syntactic_disruption', 'If it rains tomorrow, should I cancel the picnic?', createRng(seed)));
  assert.ok(back.has('Should I cancel the picnic if it rains tomorrow?'), [...back].join('\n'));
  for (const seed of SEEDS) {
    const out = perturb('syntactic_disruption', 'Do you know when the museum opens?', createRng(seed));
    assert.ok(!out.startsWith('When'), `an indirect question is not a movable clause: ${out}`);
  }
});

test('distracting_text goes first when the text ends with a colon (a prompt awaiting its answer)', () => {
  for (const seed of SEEDS) {
    const out = perturb('distracting_text', 'Question: which planet is largest?\nAnswer:', createRng(seed));
    assert.ok(out.endsWith('\n\nQuestion: which planet is largest?\nAnswer:'), out);
  }
});

test('perturb rejects an unknown id, naming the valid ones', () => {
  assert.throws(() => perturb('typo', 'x', createRng(1)), /unknown perturbation "typo".*missing_letter/);
});
