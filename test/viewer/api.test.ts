import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.js';
import { startViewer, type RunningViewer } from '../../src/viewer/server.js';
import { cleanEnv } from '../e2e/cli.js';
import { startViewerProcess } from './start-viewer.js';
import { http, MODEL, seedRun, synthetic } from './fixture.js';

const RUN = 'small-run';
const N = 120;

describe('the viewer JSON API', () => {
  let db: Db;
  let home: string;
  let viewer: RunningViewer;
  let origin: string;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'tg-viewer-api-'));
    db = openDb(home);
    seedRun(db, RUN, N, [MODEL, 'ollama:other']);
    viewer = await startViewer(db, { port: 0 });
    origin = `http://127.0.0.1:${viewer.port}`;
  });
  after(async () => { await viewer.close(); db.close(); });

  const get = (path: string, headers: Record<string, string> = {}) => http(`${origin}${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    http(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const seqs = (r: { json(): { items: { seq: number }[] } }) => r.json().items.map((x) => x.seq);

  it('binds 127.0.0.1 by default', () => {
    assert.equal(viewer.host, '127.0.0.1');
    assert.equal((viewer.server.address() as { address: string }).address, '127.0.0.1');
    assert.match(viewer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('the CLI prints a 127.0.0.1 URL for --port 0 and serves the page there', async () => {
    const p = await startViewerProcess(['--port', '0'], cleanEnv({ TRUSTGEN_HOME: home }));
    try {
      assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await http(p.url);
      assert.equal(page.status, 200);
      assert.match(page.body, /<script src="\/app\.js" defer><\/script>/);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      const runs = await http(`${p.url}api/runs`);
      assert.deepEqual(runs.json().runs.map((r: { id: string; cases: number }) => [r.id, r.cases]), [[RUN, N]]);
    } finally {
      await p.stop();
    }
  });

  it('answers JSON as application/json, and 404 for an unknown run or case', async () => {
    const runs = await get('/api/runs');
    assert.equal(runs.status, 200);
    assert.match(String(runs.headers['content-type']), /^application\/json/);
    for (const path of ['/api/runs/nope', '/api/runs/nope/cases', '/api/runs/nope/scores', `/api/runs/${RUN}/cases/no-such-case`, '/api/elsewhere']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.ok(r.json().error);
    }
  });

  it('pages every case exactly once with keyset pagination', async () => {
    const seen: number[] = [];
    let after = -1;
    for (let pages = 0; pages < 100; pages++) {
      const r = await get(`/api/runs/${RUN}/cases?limit=7&after=${after}`);
      seen.push(...seqs(r));
      if (r.json().nextAfter === null) break;
      after = r.json().nextAfter;
    }
    assert.deepEqual(seen, Array.from({ length: N }, (_, i) => i));
  });

  it('filters by model, sub-dimension, tag, verdict and label, and searches literally', async () => {
    const want = (pred: (i: number) => boolean) => Array.from({ length: N }, (_, i) => i).filter(pred);
    const q = (s: string) => get(`/api/runs/${RUN}/cases?limit=500&${s}`);
    assert.deepEqual(seqs(await q('subdimension=exaggerated&dimension=safety')), want((i) => synthetic(i).sub === 'exaggerated'));
    assert.deepEqual(seqs(await q('tag=attack%3Dbase64')), want((i) => synthetic(i).attack === 'base64'));
    assert.deepEqual(seqs(await q('verdict=error')), want((i) => synthetic(i).error));
    assert.deepEqual(seqs(await q('verdict=pass')), want((i) => !synthetic(i).error && synthetic(i).score === 1));
    assert.deepEqual(seqs(await q('label=full_compliance&subdimension=harmful')), want((i) => !synthetic(i).error && synthetic(i).score === 0 && synthetic(i).sub === 'harmful'));
    assert.deepEqual(seqs(await q('q=topic%2012')), want((i) => i % 13 === 12));
    assert.deepEqual(seqs(await q('q=100%25')), [5], '% is a literal character, not a wildcard');
    assert.deepEqual(seqs(await q('q=answer%205')), [5, 50, 51, 52, 54, 55, 56, 57, 58, 59], 'case 53 is an error without text');
    const other = await q(`model=${encodeURIComponent('ollama:other')}&verdict=pass`);
    assert.deepEqual(seqs(other), want((i) => !synthetic(i).error && synthetic(i).score === 1));
    for (const bad of ['verdict=maybe', 'limit=0', 'limit=100000', 'after=x', 'tag=novalue']) assert.equal((await get(`/api/runs/${RUN}/cases?${bad}`)).status, 400, bad);
  });

  it("shows a case's whole chain", async () => {
    const r = await get(`/api/runs/${RUN}/cases/case-000001`);
    assert.equal(r.status, 200);
    const chain = r.json();
    assert.equal(chain.case.provenance.builder, 'template:test');
    assert.deepEqual(chain.case.provenance.variations, [`jailbreak:${synthetic(1).attack}`]);
    assert.equal(chain.case.messages[0].content, synthetic(1).prompt);
    assert.deepEqual(chain.models.map((m: { model: string }) => m.model), ['ollama:other', MODEL]);
    assert.equal(chain.models[1].response.text, synthetic(1).text);
    assert.equal(chain.models[1].judgement.label, 'full_compliance');
  });

  it('refuses a cross-origin, origin-less or rebound-host POST with 403 and stores nothing', async () => {
    const body = { caseId: 'case-000001', model: MODEL, verdict: 'correct' };
    assert.equal((await post(`/api/runs/${RUN}/annotations`, body, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await post(`/api/runs/${RUN}/annotations`, body, {})).status, 403);
    assert.equal((await post(`/api/runs/${RUN}/annotations`, body, { Origin: `http://localhost:${viewer.port}` })).status, 403, 'Origin names another host than the request');
    const rebound = await post(`/api/runs/${RUN}/annotations`, body, { Host: `attacker.example:${viewer.port}`, Origin: `http://attacker.example:${viewer.port}` });
    assert.equal(rebound.status, 403);
    assert.equal((await get('/api/runs', { Host: `attacker.example:${viewer.port}` })).status, 403, 'reads too are refused on a foreign Host');
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM annotations').get() as { n: number }).n, 0);
  });

  it('stores a same-origin annotation, validates it, and reports agreement', async () => {
    const headers = { Origin: origin };
    const bad = await post(`/api/runs/${RUN}/annotations`, { caseId: 'case-000001', model: MODEL, verdict: 'wrong' }, headers);
    assert.equal(bad.status, 400, 'a wrong verdict needs the right label');
    assert.equal((await http(`${origin}/api/runs/${RUN}/annotations`, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body: '{}' })).status, 415);
    assert.equal((await post(`/api/runs/${RUN}/annotations`, { caseId: 'case-999999', model: MODEL, verdict: 'correct' }, headers)).status, 404);
    assert.equal((await post(`/api/runs/${RUN}/annotations`, { caseId: 'case-000003', model: MODEL, verdict: 'correct' }, headers)).status, 404, 'case 3 failed: no judgement to annotate');
    const ok = await post(`/api/runs/${RUN}/annotations`, { caseId: 'case-000001', model: MODEL, verdict: 'wrong', label: 'full_refusal', score: 1, annotator: 'ann' }, headers);
    assert.equal(ok.status, 200, ok.body);
    await post(`/api/runs/${RUN}/annotations`, { caseId: 'case-000002', model: MODEL, verdict: 'correct' }, headers);
    const row = db.prepare('SELECT verdict, label, score, annotator FROM annotations WHERE run_id = ? AND case_id = ?').get(RUN, 'case-000001');
    assert.deepEqual({ ...(row as object) }, { verdict: 'wrong', label: 'full_refusal', score: 1, annotator: 'ann' });
    const agreement = (await get(`/api/runs/${RUN}/agreement`)).json();
    assert.deepEqual(agreement.overall, { n: 2, agreed: 1, rate: 50, kappa: 0 });
    assert.deepEqual(agreement.byDimension.safety, { n: 2, agreed: 1, rate: 50, kappa: 0 });
    const annotated = (await get(`/api/runs/${RUN}/cases?verdict=annotated`)).json();
    assert.deepEqual(annotated.items.map((x: { seq: number; annotation: { verdict: string } }) => [x.seq, x.annotation.verdict]), [[1, 'wrong'], [2, 'correct']]);
  });
});
