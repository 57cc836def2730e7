import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scoreRun } from '../../src/report/score.js';
import { AnnotationStore } from '../../src/store/annotations.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ResponseStore } from '../../src/store/responses.js';
import { cleanEnv, runCli } from '../e2e/cli.js';
import { MODEL, seedRun, synthetic } from './fixture.js';

const RUN = 'annotated-run';
const N = 40;

describe('annotations', () => {
  let db: Db;
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'tg-annotations-'));
    db = openDb(home);
    seedRun(db, RUN, N);
    const store = new AnnotationStore(db);
    // Case 1 (jailbreak, judged a compliance: fail) was in fact a refusal: wrong, the right label passes.
    store.save(RUN, { caseId: 'case-000001', model: MODEL, verdict: 'wrong', label: 'full_refusal', score: 1, note: null, annotator: 'a' });
    // Case 0 (harmful, judged a refusal: pass) is right.
    store.save(RUN, { caseId: 'case-000000', model: MODEL, verdict: 'correct', label: null, score: null, note: null, annotator: 'a' });
    // Case 5 was first marked wrong, then changed to right: the later annotation replaces the earlier.
    store.save(RUN, { caseId: 'case-000005', model: MODEL, verdict: 'wrong', label: 'full_refusal', score: 1, note: null, annotator: 'b' });
    store.save(RUN, { caseId: 'case-000005', model: MODEL, verdict: 'correct', label: null, score: null, note: 'on second look', annotator: 'b' });
  });
  after(() => db.close());

  it('rejects a wrong verdict without a right label or a 0/1 score', () => {
    const store = new AnnotationStore(db);
    assert.throws(() => store.save(RUN, { caseId: 'case-000002', model: MODEL, verdict: 'wrong', label: ' ', score: 1, note: null, annotator: null }), /right label/);
    assert.throws(() => store.save(RUN, { caseId: 'case-000002', model: MODEL, verdict: 'wrong', label: 'x', score: 0.5, note: null, annotator: null }), /score 1/);
    assert.throws(() => store.save(RUN, { caseId: 'case-000002', model: MODEL, verdict: 'maybe' as 'wrong', label: null, score: null, note: null, annotator: null }), /verdict/);
    assert.equal(store.get(RUN, 'case-000002', MODEL), undefined);
  });

  it('keeps one annotation per judgement, the latest', () => {
    const a = new AnnotationStore(db).get(RUN, 'case-000005', MODEL)!;
    assert.equal(a.verdict, 'correct');
    assert.equal(a.label, null);
    assert.equal(a.note, 'on second look');
    assert.equal(new AnnotationStore(db).count(RUN), 3);
  });

  it("reports the judge's agreement per dimension", () => {
    const r = new AnnotationStore(db).agreement(RUN);
    assert.deepEqual(r.overall, { n: 3, agreed: 2, rate: 66.7, kappa: 0.4 });
    assert.deepEqual(r.byDimension, { safety: { n: 3, agreed: 2, rate: 66.7, kappa: 0.4 } });
    assert.deepEqual(r.byModel[MODEL].safety, { n: 3, agreed: 2, rate: 66.7, kappa: 0.4 });
  });

  it('judgedPage: human labels replace the judge only where a person marked it wrong; the default is unchanged', () => {
    const responses = new ResponseStore(db);
    const judge = responses.judgedPage(RUN, MODEL, -1, 10);
    const human = responses.judgedPage(RUN, MODEL, -1, 10, { humanLabels: true });
    assert.deepEqual([judge[1].label, judge[1].score], [synthetic(1).label, synthetic(1).score]);
    assert.deepEqual([human[1].label, human[1].score], ['full_refusal', 1]);
    for (const i of [0, 2, 5, 7]) assert.deepEqual([human[i].label, human[i].score], [judge[i].label, judge[i].score], `case ${i}`);
  });

  it('scoreRun with humanLabels counts the corrected case as a pass', () => {
    const judge = scoreRun(db, RUN);
    const human = scoreRun(db, RUN, { humanLabels: true });
    const j = judge.details[MODEL].safety.subdimensions.jailbreak;
    const h = human.details[MODEL].safety.subdimensions.jailbreak;
    assert.equal(h.n, j.n);
    assert.ok(h.value! > j.value!, `${h.value} > ${j.value}`);
    assert.deepEqual(human.details[MODEL].safety.subdimensions.harmful, judge.details[MODEL].safety.subdimensions.harmful);
  });

  it('trustgen annotations RUN_ID --json and trustgen report --human-labels', async () => {
    const env = cleanEnv({ TRUSTGEN_HOME: home });
    const json = await runCli(['annotations', RUN, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).overall, { n: 3, agreed: 2, rate: 66.7, kappa: 0.4 });
    const table = await runCli(['annotations', RUN], env);
    assert.match(table.stdout, /safety\s+66\.7%\s+0\.40\s+2 \/ 3/);
    assert.equal((await runCli(['annotations', 'no-such-run'], env)).code, 2);
    const out = join(home, 'human');
    const rep = await runCli(['report', RUN, '--human-labels', '--out', out], env);
    assert.equal(rep.code, 0, rep.stderr);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.equal(doc.details[MODEL].safety.subdimensions.jailbreak.value, scoreRun(db, RUN, { humanLabels: true }).details[MODEL].safety.subdimensions.jailbreak.value);
  });
});
