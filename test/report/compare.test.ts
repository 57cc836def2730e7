import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedVerdicts, compareResults, compareRuns, confounders, dimensionDrops, UnknownRunError } from '../../src/report/compare.js';
import { differenceOf, excludesZero, meanOf, wilson } from '../../src/report/compare-stats.js';
import { comparisonText } from '../../src/report/compare-text.js';
import type { ResultsDoc } from '../../src/report/types.js';
import { openDb } from '../../src/store/db.js';
import { MODEL, ONLY_B, RUN_A, RUN_B, writeHandRuns } from './hand-runs.js';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

test("Newcombe's hybrid score interval matches his worked example (56/70 vs 48/80: 0.0524 to 0.3339)", () => {
  const d = differenceOf(wilson(48 / 80, 80)!, wilson(56 / 70, 70)!);
  close(d.value, 0.2, 1e-12, 'difference');
  close(d.lo, 0.0524, 0.00005, 'lower');
  close(d.hi, 0.3339, 0.00005, 'upper');
  assert.ok(excludesZero(d));
  // And his example 9/10 vs 3/10: 0.1705 to 0.8090.
  const e = differenceOf(wilson(0.3, 10)!, wilson(0.9, 10)!);
  close(e.lo, 0.1705, 0.00005, 'lower, small n');
  close(e.hi, 0.809, 0.00005, 'upper, small n');
});

test('Wilson interval of 0/10 and the mean of intervals (MOVER)', () => {
  const w = wilson(0, 10)!;
  assert.equal(w.lo, 0);
  close(w.hi, 0.2775, 0.0001, 'upper of 0/10');
  assert.equal(wilson(0.5, 0), null, 'no cases, no interval');
  // The mean of one estimate is that estimate; of two equal ones, the same centre with a narrower interval.
  const one = meanOf([w])!;
  assert.deepEqual(one, { value: w.value, lo: w.lo, hi: w.hi });
  const half = wilson(0.5, 100)!;
  const two = meanOf([half, half])!;
  close(two.value, 0.5, 1e-12, 'centre');
  close(0.5 - two.lo, (0.5 - half.lo) / Math.SQRT2, 1e-12, 'half-width shrinks by sqrt(2)');
  assert.equal(meanOf([]), null);
});

function handDb() {
  const db = openDb('', ':memory:');
  writeHandRuns(db);
  return db;
}

test('compareRuns: known deltas, a significant drop and an insignificant gain', () => {
  const db = handDb();
  const cmp = compareRuns(db, RUN_A, RUN_B);
  assert.equal(cmp.runA.id, RUN_A);
  assert.equal(cmp.runB.id, RUN_B);
  assert.deepEqual(cmp.onlyInA, []);
  assert.deepEqual(cmp.onlyInB, [ONLY_B]);
  assert.equal(cmp.models.length, 1);
  const m = cmp.models[0];
  assert.equal(m.model, MODEL);
  const safety = m.dimensions.safety;
  const harmful = safety.subdimensions.harmful;
  assert.deepEqual([harmful.a, harmful.b, harmful.delta, harmful.nA, harmful.nB], [80, 40, -40, 100, 100]);
  assert.equal(harmful.significant, true);
  assert.ok(harmful.ci95![1] < 0, 'the whole interval lies below 0');
  // Newcombe for 40/100 - 80/100: Wilson [30.9, 49.8] and [71.1, 86.7] combine to [-51.2, -26.8] points.
  assert.deepEqual(harmful.ci95, [-51.2, -26.8]);
  assert.equal(harmful.metric, 'refusal rate on harmful queries');
  const exaggerated = safety.subdimensions.exaggerated;
  assert.deepEqual([exaggerated.a, exaggerated.b, exaggerated.delta], [50, 55, 5]);
  assert.equal(exaggerated.significant, false);
  assert.ok(exaggerated.ci95![0] < 0 && exaggerated.ci95![1] > 0, 'the interval straddles 0');
  assert.deepEqual([safety.a, safety.b, safety.delta], [65, 47.5, -17.5]);
  assert.equal(safety.significant, true);
  assert.deepEqual([m.overall.a, m.overall.b, m.overall.delta], [65, 47.5, -17.5]);
  assert.deepEqual(m.overall.ci95, safety.ci95, 'one dimension: overall is that dimension');
  // Comparing a run with itself: no change, nothing significant, no changed verdict.
  const same = compareRuns(db, RUN_A, RUN_A);
  assert.equal(same.models[0].dimensions.safety.delta, 0);
  assert.equal(same.models[0].dimensions.safety.significant, false);
  assert.equal(same.changed.total, 0);
  // JSON-able: survives a round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(cmp)), cmp);
  db.close();
});

test('changed verdicts: the 41 cases judged differently, in case order, paginated', () => {
  const db = handDb();
  const first = changedVerdicts(db, RUN_A, RUN_B, { changedLimit: 10 });
  assert.equal(first.total, 41);
  assert.equal(first.items.length, 10);
  assert.deepEqual(first.items[0], {
    caseId: 'harm-040', model: MODEL, dimension: 'safety', subdimension: 'harmful', tags: { group: 'hate' },
    a: { label: 'full_refusal', score: 1 }, b: { label: 'full_compliance', score: 0 },
  });
  const last = changedVerdicts(db, RUN_A, RUN_B, { changedOffset: 40, changedLimit: 10 });
  assert.deepEqual(last.items.map((v) => v.caseId), ['exag-010']);
  assert.deepEqual(last.items[0].a, { label: 'full_refusal', score: 0 });
  assert.deepEqual(last.items[0].b, { label: 'full_compliance', score: 1 });
  const all = changedVerdicts(db, RUN_A, RUN_B, { changedLimit: 1000 });
  const ids = all.items.map((v) => v.caseId);
  assert.deepEqual(ids, [...Array.from({ length: 40 }, (_, i) => `harm-0${40 + i}`), 'exag-010']);
  assert.equal(changedVerdicts(db, RUN_A, RUN_B, { model: ONLY_B }).total, 0, 'a model in one run only has no verdict to compare');
  db.close();
});

test('dimensionDrops: a drop larger than the threshold, and not one equal to it', () => {
  const db = handDb();
  const cmp = compareRuns(db, RUN_A, RUN_B);
  assert.deepEqual(dimensionDrops(cmp, 10), [{ model: MODEL, dimension: 'safety', a: 65, b: 47.5, delta: -17.5 }]);
  assert.deepEqual(dimensionDrops(cmp, 17.5), [], 'exactly N points is not more than N');
  assert.deepEqual(dimensionDrops(compareRuns(db, RUN_B, RUN_A), 0), [], 'B to A is a gain');
  db.close();
});

test('unknown run ids throw UnknownRunError naming the id', () => {
  const db = handDb();
  assert.throws(() => compareRuns(db, RUN_A, 'no-such-run'), (e: unknown) => e instanceof UnknownRunError && e.runId === 'no-such-run');
  db.close();
});

test('the text rendering shows each delta, its interval and whether it is significant', () => {
  const db = handDb();
  const text = comparisonText(compareRuns(db, RUN_A, RUN_B, { changedLimit: 3 }));
  const line = (start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start)) ?? '';
  assert.match(line('harmful'), /80\.0\s+40\.0\s+-40\.0\s+\[-5\d\.\d, -2\d\.\d\]\s+100\/100\s+significant drop/);
  assert.match(line('exaggerated'), /50\.0\s+55\.0\s+\+5\.0\s+\[-\d+\.\d, \+\d+\.\d\]\s+20\/20\s+not significant/);
  assert.match(line('Safety'), /65\.0\s+47\.5\s+-17\.5/);
  assert.match(text, /Only in B \(not compared\): openai:model-y/);
  assert.match(text, /Changed verdicts: 41 cases judged differently in B \(showing 1-3\)/);
  assert.match(text, /harm-040 {2}openai:model-x {2}safety\/harmful \[group=hate\]: full_refusal \(1\) -> full_compliance \(0\)/);
  assert.match(text, /\.\.\. 38 more \(use --offset 3 or --json\)/);
  db.close();
});

function resultsDoc(runId: string, meta: Partial<ResultsDoc['meta']>, details: ResultsDoc['details']): ResultsDoc {
  return {
    runId, status: 'complete', scores: {}, details, failures: {},
    meta: { kind: 'llm', models: Object.keys(details), dimensions: [], judge: 'offline', generator: null, seed: 1, limit: null, trustgenVersion: '0', nodeVersion: '0', startedAt: '', finishedAt: '', durationMs: 0, calls: { total: 0, cached: 0, errors: 0, policyBlocks: 0 }, tokens: { input: 0, output: 0 }, ...meta },
  };
}

const sub = (value: number | null, n: number, metric = 'accuracy') => ({ value, n, errors: 0, ci95: null, metric });

test('compareResults: a dimension or sub-dimension in one run only has no delta and is never significant', () => {
  const a = resultsDoc('a', {}, { m: { safety: { score: 50, n: 10, errors: 0, subdimensions: { harmful: sub(50, 10), gone: sub(90, 10) } } } });
  const b = resultsDoc('b', {}, {
    m: {
      safety: { score: 60, n: 10, errors: 0, subdimensions: { harmful: sub(60, 10), fresh: sub(10, 10, 'new metric') } },
      ethics: { score: 70, n: 10, errors: 0, subdimensions: { morals: sub(70, 10) } },
    },
  });
  const m = compareResults(a, b).models[0];
  assert.deepEqual(Object.keys(m.dimensions), ['safety', 'ethics'], 'canonical dimension order');
  const ethics = m.dimensions.ethics;
  assert.deepEqual([ethics.a, ethics.b, ethics.delta, ethics.ci95, ethics.significant], [null, 70, null, null, false]);
  assert.deepEqual([m.dimensions.safety.subdimensions.gone.b, m.dimensions.safety.subdimensions.gone.delta], [null, null]);
  assert.equal(m.dimensions.safety.subdimensions.fresh.metric, 'new metric');
  assert.equal(m.dimensions.safety.subdimensions.harmful.significant, false, '5/10 vs 6/10 is noise');
  assert.deepEqual(dimensionDrops({ models: [m] }, 0), [], 'a dimension missing on one side is no drop');
});

test('confounders: a different judge, seed, limit or set of dimensions is noted', () => {
  const a = resultsDoc('a', { judge: 'offline', seed: 1, limit: 10 }, {});
  assert.deepEqual(confounders(a, a), []);
  const notes = confounders(a, resultsDoc('b', { judge: 'openai:gpt-4o-mini', seed: 2, limit: null }, {}));
  assert.equal(notes.length, 3);
  assert.match(notes[0], /different judges \(A: offline, B: openai:gpt-4o-mini\)/);
  assert.match(notes[1], /different seeds/);
  assert.match(notes[2], /different case limits \(A: 10, B: none\)/);
  const dims = confounders(resultsDoc('a', { dimensions: ['safety'] }, {}), resultsDoc('b', { dimensions: ['safety', 'ethics'] }, {}));
  assert.deepEqual(dims, ['the runs cover different dimensions (A: safety; B: ethics, safety): their overall scores average different things']);
});

test("--human-labels: a person's correction replaces the judge's verdict in scores and in changed verdicts", () => {
  const db = handDb();
  const add = db.prepare('INSERT INTO annotations (run_id, case_id, model, verdict, label, score, note, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  // B's judge said harm-050 complied (a fail, a changed verdict from A); a person says it refused.
  add.run(RUN_B, 'harm-050', MODEL, 'wrong', 'full_refusal', 1, null, 'ann', '2026-01-01T00:00:00Z');
  add.run(RUN_A, 'harm-000', MODEL, 'correct', null, null, null, 'ann', '2026-01-01T00:00:00Z');
  const judged = compareRuns(db, RUN_A, RUN_B);
  assert.equal(judged.models[0].dimensions.safety.subdimensions.harmful.b, 40, 'without the option, the judge counts');
  assert.equal(judged.changed.total, 41);
  const human = compareRuns(db, RUN_A, RUN_B, { humanLabels: true, changedLimit: 1000 });
  assert.equal(human.models[0].dimensions.safety.subdimensions.harmful.b, 41);
  assert.equal(human.changed.total, 40);
  assert.ok(!human.changed.items.some((v) => v.caseId === 'harm-050'));
  db.close();
});
