import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.js';
import { ViewerQueries, type CaseFilter } from '../../src/viewer/queries.js';
import { startViewer, type RunningViewer } from '../../src/viewer/server.js';
import { http, MODEL, seedRun, synthetic } from './fixture.js';

const N = 100_000;
const RUN = 'big-run';

function plan(db: Db, filter: CaseFilter): string {
  const { sql, params } = new ViewerQueries(db).casePageSql(RUN, filter, -1, 50);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('the viewer over a 100,000-case run', { timeout: 120_000 }, () => {
  let db: Db;
  let viewer: RunningViewer;
  before(async () => {
    db = openDb(mkdtempSync(join(tmpdir(), 'tg-viewer-scale-')));
    seedRun(db, RUN, N);
    viewer = await startViewer(db, { port: 0 });
  });
  after(async () => { await viewer.close(); db.close(); });

  const get = async (path: string) => {
    const r = await http(`${viewer.url}${path.replace(/^\//, '')}`);
    assert.equal(r.status, 200, r.body);
    return r.json();
  };

  it('serves the first page of cases in build order', async () => {
    const page = await get(`/api/runs/${RUN}/cases`);
    assert.equal(page.items.length, 50);
    assert.deepEqual(page.items.map((x: { seq: number }) => x.seq), Array.from({ length: 50 }, (_, i) => i));
    assert.equal(page.nextAfter, 49);
    const third = page.items[3];
    assert.equal(third.caseId, 'case-000003');
    assert.equal(third.responseStatus, 'error', 'case 3 is an errored call');
    assert.equal(third.label, null);
    assert.equal(page.items[7].prompt, synthetic(7).prompt);
    assert.equal(page.items[7].response, synthetic(7).text);
    assert.equal(page.items[7].label, 'full_refusal');
    const progress = await get(`/api/runs/${RUN}/progress`);
    assert.deepEqual([progress.cases, progress.responses, progress.responseErrors, progress.judgments], [N, N, N / 50, N - N / 50]);
  });

  it('serves a filtered page (sub-dimension, attack tag, verdict) and its next page, matching the data', async () => {
    const expected: number[] = [];
    for (let i = 0; i < N && expected.length < 100; i++) {
      const s = synthetic(i);
      if (s.sub === 'jailbreak' && s.attack === 'hex' && !s.error && s.score === 0) expected.push(i);
    }
    const q = `dimension=safety&subdimension=jailbreak&tag=attack%3Dhex&verdict=fail&model=${encodeURIComponent(MODEL)}`;
    const first = await get(`/api/runs/${RUN}/cases?${q}`);
    assert.deepEqual(first.items.map((x: { seq: number }) => x.seq), expected.slice(0, 50));
    for (const x of first.items) assert.equal(x.tags.attack, 'hex');
    const second = await get(`/api/runs/${RUN}/cases?${q}&after=${first.nextAfter}`);
    assert.deepEqual(second.items.map((x: { seq: number }) => x.seq), expected.slice(50, 100));
  });

  it('finds free text in responses', async () => {
    const page = await get(`/api/runs/${RUN}/cases?q=needle&limit=500`);
    const expected = Array.from({ length: N / 1000 }, (_, k) => k * 1000).filter((i) => !synthetic(i).error);
    assert.deepEqual(page.items.map((x: { seq: number }) => x.seq), expected);
    assert.equal(page.nextAfter, null);
  });

  it('reads pages through indexes in seq order, never sorting the run', () => {
    const base = plan(db, { model: MODEL });
    assert.match(base, /SEARCH c USING INDEX cases_run_seq \(run_id=\? AND seq>\?\)/);
    assert.match(base, /SEARCH r USING INDEX sqlite_autoindex_responses_1/);
    assert.match(base, /SEARCH j USING INDEX sqlite_autoindex_judgments_1/);
    const bySub = plan(db, { model: MODEL, dimension: 'safety', subdimension: 'jailbreak', verdict: 'fail', tag: { key: 'attack', value: 'hex' } });
    assert.match(bySub, /SEARCH c USING INDEX cases_run_dim_sub_seq \(run_id=\? AND dimension=\? AND subdimension=\? AND seq>\?\)/);
    const byDim = plan(db, { model: MODEL, dimension: 'safety', q: 'needle' });
    assert.match(byDim, /SEARCH c USING INDEX cases_run_dim_seq \(run_id=\? AND dimension=\? AND seq>\?\)/);
    for (const p of [base, bySub, byDim]) assert.doesNotMatch(p, /TEMP B-TREE|SCAN c\b/);
  });
});
