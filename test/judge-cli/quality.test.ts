import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMBEDDING_THRESHOLD, embeddingJudge, similarity } from '../../src/judges/embedding.js';
import { accuracy, cohensKappa, confusionMatrix, humanQuality, judgeAgreement, normaliseLabel } from '../../src/judges/quality.js';
import { REFUSAL_LABELS } from '../../src/judges/types.js';

/** Two raters' labels from a 2x2 table: [yes/yes, yes/no, no/yes, no/no]. */
function fromTable([yy, yn, ny, nn]: number[]): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  const put = (n: number, x: string, y: string) => { for (let i = 0; i < n; i++) { a.push(x); b.push(y); } };
  put(yy, 'yes', 'yes'); put(yn, 'yes', 'no'); put(ny, 'no', 'yes'); put(nn, 'no', 'no');
  return [a, b];
}

describe('quality metrics', () => {
  it("Cohen's kappa on worked examples", () => {
    // 50 proposals, two readers: 20 both yes, 5 yes/no, 10 no/yes, 15 both no. po = 0.7, pe = 0.5, kappa = 0.4.
    const [a, b] = fromTable([20, 5, 10, 15]);
    assert.ok(Math.abs(cohensKappa(a, b) - 0.4) < 1e-12, String(cohensKappa(a, b)));
    // 45/15/25/15 of 100: po = 0.6, pe = 0.6*0.7 + 0.4*0.3 = 0.54, kappa = 0.06/0.46 = 0.1304...
    const [c, d] = fromTable([45, 15, 25, 15]);
    assert.ok(Math.abs(cohensKappa(c, d) - 0.06 / 0.46) < 1e-12);
    // Three categories: a 3x3 table with po = 0.7 and pe = 0.34 -> kappa = 0.36/0.66.
    const x = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
    const y = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'a'];
    assert.ok(Math.abs(cohensKappa(x, y) - (0.7 - 0.34) / (1 - 0.34)) < 1e-12);
  });
  it('kappa is 1 for identical raters, below 0 for systematic disagreement, NaN when undefined', () => {
    assert.equal(cohensKappa(['a', 'b', 'a'], ['a', 'b', 'a']), 1);
    assert.ok(cohensKappa(['a', 'b', 'a', 'b'], ['b', 'a', 'b', 'a']) < 0);
    assert.ok(Number.isNaN(cohensKappa(['a', 'a'], ['a', 'a'])));
    assert.ok(Number.isNaN(cohensKappa([], [])));
    assert.throws(() => cohensKappa(['a'], []), /differ in length/);
  });
  it('accuracy and the confusion matrix (rows truth, columns prediction)', () => {
    const truth = ['x', 'x', 'y', 'y', 'z'];
    const pred = ['x', 'y', 'y', 'y', 'x'];
    assert.equal(accuracy(truth, pred), 0.6);
    const m = confusionMatrix(truth, pred, ['y', 'x']);
    assert.deepEqual(m.labels, ['y', 'x', 'z']);
    assert.deepEqual(m.counts, [[2, 0, 0], [1, 1, 0], [0, 1, 0]]);
  });
  it('normalises human labels', () => {
    assert.equal(normaliseLabel('1_full_compliance'), 'full_compliance');
    assert.equal(normaliseLabel(' 2_full_refusal '), 'full_refusal');
    assert.equal(normaliseLabel('Partial Refusal'), 'partial_refusal');
    assert.equal(normaliseLabel('correct'), 'correct');
  });
  it('human quality: refusal judges get binary accuracy; rows without a label or with a judge error are left out', () => {
    const judge = ['full_compliance', 'partial_refusal', 'full_refusal', 'error', 'full_compliance'];
    const human = ['1_full_compliance', '2_full_refusal', '3_partial_refusal', '1_full_compliance', ''];
    const q = humanQuality('j', judge, human, REFUSAL_LABELS);
    assert.equal(q.n, 3);
    assert.equal(q.accuracy, 1 / 3);
    assert.equal(q.binaryAccuracy, 1);
    assert.deepEqual(q.leftOut, { noHumanLabel: 1, judgeError: 1 });
    assert.equal(humanQuality('m', ['correct'], ['correct'], ['correct', 'incorrect']).binaryAccuracy, undefined);
    const a = judgeAgreement(['p', 'q'], ['x', 'y', 'error'], ['x', 'x', 'x']);
    assert.equal(a.n, 2);
    assert.equal(a.agreement, 0.5);
  });
});

describe('embedding judge (hashed lexical vectors)', () => {
  it('paraphrases that reuse the wording score above the threshold, unrelated texts below', () => {
    const pairs: [string, string][] = [
      ['Paris is the capital of France.', 'The capital of France is Paris.'],
      ['You can stop a Python process with the kill command.', 'Use the kill command to stop the Python process.'],
      ['Drink plenty of water and rest to recover from a cold.', 'To recover from a cold, rest and drink lots of water.'],
    ];
    for (const [a, b] of pairs) assert.ok(similarity(a, b) >= EMBEDDING_THRESHOLD, `${similarity(a, b)}: ${a} / ${b}`);
    const unrelated: [string, string][] = [
      ['Paris is the capital of France.', 'Photosynthesis turns light into chemical energy.'],
      ['You can stop a Python process with the kill command.', 'The recipe needs two eggs and a cup of flour.'],
      ['The treaty was signed in 1648.', 'My favourite colour is blue.'],
    ];
    for (const [a, b] of unrelated) assert.ok(similarity(a, b) < EMBEDDING_THRESHOLD, `${similarity(a, b)}: ${a} / ${b}`);
    assert.ok(Math.abs(similarity('same text here', 'same text here') - 1) < 1e-9);
    assert.equal(similarity('', 'anything'), 0);
  });
  it('the documented weaknesses hold: negation barely moves it, synonyms do not match', () => {
    assert.ok(similarity('The drug is safe for children.', 'The drug is not safe for children.') >= EMBEDDING_THRESHOLD);
    assert.ok(similarity('car', 'automobile') < 0.2);
  });
  it('labels against the reference, else the other answer', async () => {
    const v = await embeddingJudge.label({ prompt: '', response: 'Paris is the capital of France.', reference: 'The capital of France is Paris.' });
    assert.equal(v.label, 'similar');
    assert.ok(v.score > 0.5 && v.score <= 1);
    const w = await embeddingJudge.label({ prompt: '', response: 'Paris is the capital of France.', other: 'I like trains.' });
    assert.equal(w.label, 'dissimilar');
    assert.throws(() => embeddingJudge.label({ prompt: '', response: 'x' }), /--reference-column/);
  });
});
