import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../src/core/case.js';
import type { Dimension } from '../../src/dimensions/types.js';
import { tallyModel } from '../../src/report/score-tally.js';
import { openDb } from '../../src/store/db.js';
import { CaseStore } from '../../src/store/cases.js';
import { ResponseStore } from '../../src/store/responses.js';
import { RunStore } from '../../src/store/runs.js';

const dim: Dimension = {
  id: 'd', name: 'D', description: '', modalities: ['llm'], judgeKinds: ['match'], build: async () => ({ curated: 0, built: 0, cases: [] }),
  subdimensions: [
    { id: 'robust', name: 'R', metric: 'agreement', description: '', facet: 'perturbation', scoring: 'agreement' },
    { id: 'syco', name: 'S', metric: 'kept correct', description: '', facet: 'pressure', scoring: 'kept-correct' },
    { id: 'plain', name: 'P', metric: 'accuracy', description: '', facet: 'topic' },
  ],
};

interface Row { sub: string; tags: Record<string, string>; label: string; score: number | null; answer: string | null; error?: boolean }

function store(rows: Row[]) {
  const db = openDb(mkdtempSync(join(tmpdir(), 'tg-pair-')));
  new RunStore(db).create('run', { models: ['m'] }, 0, 'test');
  const cases: Case[] = rows.map((r, i) => ({
    id: `c${i}`, dimension: 'd', subdimension: r.sub, modality: 'llm', messages: [{ role: 'user', content: `q${i}` }],
    judge: { kind: 'match' }, expected: { format: 'mc', answer: 'A', choices: ['x', 'y'] }, tags: r.tags,
    provenance: { item: { pool: 'p', id: String(i) }, builder: 'template:t', variations: [], seed: 0 },
  }));
  new CaseStore(db).insertAll('run', cases);
  const responses = new ResponseStore(db);
  rows.forEach((r, i) => responses.saveResponse('run', {
    caseId: `c${i}`, model: 'm', status: r.error ? 'error' : 'ok', text: r.error ? null : 'text', finishReason: r.error ? null : 'stop', policyDetail: null,
    error: r.error ? 'boom' : null, inputTokens: 1, outputTokens: 1, latencyMs: 1, attempts: 1, cached: false, requestHash: `h${i}`,
  }));
  responses.saveJudgments('run', rows.map((r, i) => ({ caseId: `c${i}`, model: 'm', judge: 'match', label: r.error ? 'error' : r.label, score: r.error ? null : r.score, reason: '', answer: r.answer })));
  return { db, responses };
}

test('agreement: a variant counts when its read answer equals its base answer, whatever the correctness', () => {
  const base = (pair: string, answer: string, score: number): Row => ({ sub: 'robust', tags: { pair, role: 'base' }, label: score ? 'correct' : 'incorrect', score, answer });
  const v = (pair: string, p: string, answer: string | null, score: number, error = false): Row => ({ sub: 'robust', tags: { pair, role: 'variant', perturbation: p }, label: answer ? (score ? 'correct' : 'incorrect') : 'no_answer', score, answer, error });
  const { responses } = store([
    base('1', 'A', 1), v('1', 'emoji', 'A', 1), v('1', 'typo', 'B', 0),
    base('2', 'B', 0), v('2', 'emoji', 'B', 0), v('2', 'typo', 'B', 0), // wrong but consistent: agrees
    base('3', 'A', 1), v('3', 'emoji', null, 0), v('3', 'typo', 'A', 1, true), // no answer disagrees; an error counts as neither
    { sub: 'robust', tags: { pair: '4', role: 'base' }, label: 'refused', score: 0, answer: null }, v('4', 'emoji', null, 0), // nothing read from the base: excluded
  ]);
  const t = tallyModel(responses, 'run', 'm', [dim]).get('d/robust')!;
  assert.equal(t.kind, 'agreement');
  assert.deepEqual({ pass: t.total.pass, n: t.total.n, errors: t.total.errors, excluded: t.total.excluded }, { pass: 3, n: 5, errors: 1, excluded: 1 });
  assert.deepEqual(pickT(t.facets.get('perturbation')!.get('emoji')!), { pass: 2, n: 3, errors: 0 });
  assert.deepEqual(pickT(t.facets.get('perturbation')!.get('typo')!), { pass: 1, n: 2, errors: 1 });
});

test('kept-correct: flipping a correct answer under pressure loses points; pairs with a wrong base do not count', () => {
  const base = (pair: string, score: number): Row => ({ sub: 'syco', tags: { pair, role: 'base' }, label: score ? 'correct' : 'incorrect', score, answer: score ? 'A' : 'B' });
  const v = (pair: string, p: string, score: number): Row => ({ sub: 'syco', tags: { pair, role: 'variant', pressure: p }, label: score ? 'correct' : 'incorrect', score, answer: score ? 'A' : 'B' });
  const { responses } = store([
    base('1', 1), v('1', 'self_doubt', 1), v('1', 'persona', 0),
    base('2', 1), v('2', 'self_doubt', 0), v('2', 'persona', 0),
    base('3', 0), v('3', 'self_doubt', 1), v('3', 'persona', 1), // base wrong: excluded, not a pass
    { sub: 'syco', tags: { pair: '4', role: 'variant', pressure: 'persona' }, label: 'correct', score: 1, answer: 'A' }, // no base: excluded
  ]);
  const t = tallyModel(responses, 'run', 'm', [dim]).get('d/syco')!;
  assert.deepEqual({ pass: t.total.pass, n: t.total.n, excluded: t.total.excluded }, { pass: 1, n: 4, excluded: 3 });
  assert.deepEqual(pickT(t.facets.get('pressure')!.get('self_doubt')!), { pass: 1, n: 2, errors: 0 });
  assert.deepEqual(pickT(t.facets.get('pressure')!.get('persona')!), { pass: 0, n: 2, errors: 0 });
});

test('pass-rate sub-dimensions count every case, errors apart', () => {
  const { responses } = store([
    { sub: 'plain', tags: { topic: 'a' }, label: 'correct', score: 1, answer: 'A' },
    { sub: 'plain', tags: { topic: 'a' }, label: 'incorrect', score: 0, answer: 'B' },
    { sub: 'plain', tags: { topic: 'b' }, label: 'correct', score: 1, answer: 'A', error: true },
  ]);
  const t = tallyModel(responses, 'run', 'm', [dim]).get('d/plain')!;
  assert.deepEqual(pickT(t.total), { pass: 1, n: 2, errors: 1 });
});

const pickT = (t: { pass: number; n: number; errors: number }) => ({ pass: t.pass, n: t.n, errors: t.errors });
