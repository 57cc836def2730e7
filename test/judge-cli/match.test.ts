import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractBoolean, extractChoice, matchAnswer, matchJudge, referenceBoolean, referenceLetter } from '../../src/judges/match.js';

describe('extractChoice', () => {
  const cases: [string, number, string | null, string[]?][] = [
    ['The answer is (B).', 4, 'B'],
    ['B) Paris', 4, 'B'],
    ['**B**', 4, 'B'],
    ['Answer: b', 4, 'B'],
    ["I think it's C, not B", 4, 'C'],
    ['(D)', 4, 'D'],
    ['C.', 4, 'C'],
    ['A', 4, 'A'],
    ['b) the second one', 4, 'B'],
    ['Option A is tempting, but the correct answer is D because it covers every case.', 4, 'D'],
    ['Answer A is wrong; answer C is right.', 4, 'C'],
    ['Let me think. A is a distractor and B is too narrow.\n\nFinal answer: **C**', 4, 'C'],
    ['It is not A. I would go with B.', 4, 'B'],
    ['The correct option is (A)', 4, 'A'],
    ['The answer is \\boxed{D}.', 4, 'D'],
    ['The answer is a tricky one; I cannot decide.', 4, null],
    ['A good question! There are many views on it.', 4, null],
    ['I do not know.', 4, null],
    ['The answer is E.', 4, null], // E is not among four choices
    ['The answer is E.', 5, 'E'],
    ['The capital of France is Paris.', 3, 'B', ['London', 'Paris', 'Berlin']],
    ['The answer is Berlin, not Paris.', 3, 'C', ['London', 'Paris', 'Berlin']],
    ['Either London or Paris, I am not sure.', 3, null, ['London', 'Paris', 'Berlin']],
    ['Not Paris but Berlin.', 3, 'C', ['London', 'Paris', 'Berlin']],
    ['A, B and C all look plausible.', 4, null],
    ['I pick (C).', 4, 'C'],
    ['Between the options, (B) is the one that fits; (B) matches the definition.', 4, 'B'],
    ['My answer:\nD', 4, 'D'],
    ['ANSWER: C', 4, 'C'],
  ];
  for (const [text, n, want, choices] of cases) {
    it(`${JSON.stringify(text)} (${n} choices${choices ? ', with texts' : ''}) -> ${want}`, () => {
      assert.equal(extractChoice(text, n, choices), want);
    });
  }
});

describe('extractBoolean', () => {
  const cases: [string, boolean | null][] = [
    ['True.', true],
    ['False', false],
    ["That's false.", false],
    ['That is not true.', false],
    ['Yes, water boils at 100 degrees Celsius at sea level.', true],
    ['No.', false],
    ['No, it is not.', false],
    ['No doubt about it: the statement is true.', true],
    ['The statement is false because the Earth orbits the Sun.', false],
    ['Answer: false', false],
    ['**True** - this is well documented.', true],
    ['Not true.', false],
    ['True or false? Well, the claim is incorrect.', false],
    ["It's correct.", true],
    ['This is partly true and partly false.', null],
    ['I cannot say.', null],
    ['"Yes"', true],
    ['The final answer is no.', false],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${want}`, () => assert.equal(extractBoolean(text), want));
  }
});

describe('match judge', () => {
  it('references: booleans and letters', () => {
    assert.equal(referenceBoolean('True'), true);
    assert.equal(referenceBoolean('no'), false);
    assert.equal(referenceBoolean('Paris'), null);
    assert.equal(referenceLetter('(b)'), 'B');
    assert.equal(referenceLetter('C.'), 'C');
    assert.equal(referenceLetter('Paris'), null);
  });
  it('labels correct, incorrect and no_answer for each format', () => {
    assert.equal(matchAnswer({ prompt: '', response: 'The answer is (B).', reference: 'B' }).label, 'correct');
    assert.equal(matchAnswer({ prompt: '', response: 'The answer is (B).', reference: 'C' }).label, 'incorrect');
    assert.equal(matchAnswer({ prompt: '', response: 'Hard to say.', reference: 'C' }).label, 'no_answer');
    assert.equal(matchAnswer({ prompt: '', response: "That's false.", reference: 'false' }).label, 'correct');
    assert.equal(matchAnswer({ prompt: '', response: 'Yes, of course.', reference: 'no' }).label, 'incorrect');
    assert.equal(matchAnswer({ prompt: '', response: 'Maybe.', reference: 'yes' }).label, 'no_answer');
    // the reference is an option's text: the answer's letter or text both count
    const choices = ['London', 'Paris', 'Berlin'];
    assert.equal(matchAnswer({ prompt: '', response: 'B) Paris', reference: 'Paris', choices }).label, 'correct');
    assert.equal(matchAnswer({ prompt: '', response: 'It is Berlin.', reference: 'Paris', choices }).label, 'incorrect');
    // open answers: the reference words inside the answer
    assert.equal(matchAnswer({ prompt: '', response: 'It was Marie Curie, in 1903.', reference: 'Marie Curie' }).label, 'correct');
    assert.equal(matchAnswer({ prompt: '', response: 'Pierre did.', reference: 'Marie Curie' }).label, 'incorrect');
  });
  it('needs a reference', () => {
    assert.throws(() => matchAnswer({ prompt: '', response: 'B' }), /--reference-column/);
  });
  it('is registered with its labels', () => {
    assert.equal(matchJudge.id, 'match');
    assert.deepEqual([...matchJudge.labels], ['correct', 'incorrect', 'no_answer']);
  });
});
