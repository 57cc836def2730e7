import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReportHtml } from '../../src/report/html.js';
import { costOf, loadPricing, parsePricing, type PriceTable } from '../../src/report/pricing.js';
import type { ResultsDoc } from '../../src/report/types.js';
import { usageByModel } from '../../src/report/usage.js';
import { openDb } from '../../src/store/db.js';
import { MODEL, ONLY_B, RUN_B, writeHandRuns } from './hand-runs.js';

const PRICES: PriceTable = { asOf: '2026-12-04', currency: 'USD', models: { 'openai:gpt-4o-mini': { input: 0.15, output: 0.6 } } };

function doc(models: string[], extraMeta: Record<string, unknown> = {}): ResultsDoc {
  const sub = { value: 75, n: 40, errors: 0, ci95: [59.8, 85.8] as [number, number], metric: 'agreement rate before and after a perturbation', kind: 'agreement' as const, excluded: 3 };
  return {
    runId: 'r1',
    status: 'complete',
    scores: Object.fromEntries(models.map((m) => [m, { robustness: 75, overall: 75 }])),
    details: Object.fromEntries(models.map((m) => [m, { robustness: { score: 75, n: 40, errors: 0, subdimensions: { perturbation: sub } } }])),
    failures: {},
    meta: {
      kind: 'llm', models, dimensions: ['robustness'], judge: 'offline', generator: null, seed: 1, limit: null,
      trustgenVersion: '0.1.0', nodeVersion: 'v20', startedAt: 'a', finishedAt: 'b', durationMs: 1000,
      calls: { total: 10, cached: 0, errors: 0, policyBlocks: 0 }, tokens: { input: 2_000_000, output: 1_000_000 },
      ...extraMeta,
    },
  } as ResultsDoc;
}

const runSection = (html: string) => html.slice(html.indexOf('<section id="run">'), html.indexOf('</section>', html.indexOf('<section id="run">')));

test('the shipped price table loads, is dated, and prices a known model', () => {
  const table = loadPricing();
  assert.match(table.asOf, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(table.currency, 'USD');
  assert.ok(table.models['openai:gpt-4o-mini'], 'a well-known model is listed');
  assert.equal(costOf(PRICES, 'openai:gpt-4o-mini', { input: 1_000_000, output: 1_000_000 }), 0.75);
  assert.equal(costOf(PRICES, 'openai:test-model', { input: 1, output: 1 }), null, 'an unlisted model has no cost');
  assert.throws(() => parsePricing('as_of: x\ncurrency: USD\nunit: per 1M tokens\nmodels:\n  m: { input: -1, output: 2 }\n', 'p.yaml'), /p\.yaml: models\.m\.input: /);
});

test('cost is shown for a priced model only: one-model run from its total tokens', () => {
  const html = renderReportHtml(doc(['openai:gpt-4o-mini']), { pricing: PRICES, leaderboard: null });
  const run = runSection(html);
  // 2M input x 0.15 + 1M output x 0.60 = 0.90
  assert.ok(run.includes('<dt>Cost at list price</dt>'), run);
  assert.ok(run.includes('<code>openai:gpt-4o-mini</code> <strong>$0.9000</strong> for 2,000,000 input + 1,000,000 output tokens'), run);
  assert.ok(run.includes('written 2026-12-04'));
  const unpriced = runSection(renderReportHtml(doc(['openai:test-model']), { pricing: PRICES, leaderboard: null }));
  assert.ok(unpriced.includes('<code>openai:test-model</code> <span class="muted">no price known</span>'));
  assert.ok(!unpriced.includes('$'), 'no cost for a model not in the table');
  assert.ok(!runSection(renderReportHtml(doc(['openai:gpt-4o-mini']), { pricing: null, leaderboard: null })).includes('Cost at list price'));
});

test('several models: cost per model from meta.tokensByModel, with the cached calls left out of what was paid', () => {
  const models = ['openai:gpt-4o-mini', '<b>evil</b>'];
  const withUsage = doc(models, {
    tokensByModel: {
      'openai:gpt-4o-mini': { input: 1_000_000, output: 0, cachedInput: 500_000, cachedOutput: 0 },
      '<b>evil</b>': { input: 5, output: 5, cachedInput: 0, cachedOutput: 0 },
    },
  });
  const run = runSection(renderReportHtml(withUsage, { pricing: PRICES, leaderboard: null }));
  assert.ok(run.includes('<strong>$0.1500</strong> for 1,000,000 input + 0 output tokens · $0.0750 paid in this run (cached calls excluded)'), run);
  assert.ok(run.includes('<code>&lt;b&gt;evil&lt;/b&gt;</code> <span class="muted">no price known</span>'), 'model names escaped');
  const noUsage = runSection(renderReportHtml(doc(models), { pricing: PRICES, leaderboard: null }));
  assert.ok(noUsage.includes('tokens per model not recorded'), 'never splits a shared total between models by guess');
});

test("a sub-dimension's metric name, kind and left-out pairs are shown as results.json gives them", () => {
  const html = renderReportHtml(doc(['m']), { pricing: null, leaderboard: null });
  assert.ok(html.includes('<td class="small">agreement rate before and after a perturbation <span class="tag">agreement</span> <span class="muted">3 left out</span></td>'));
  const plain = doc(['m']);
  Object.assign(plain.details.m.robustness.subdimensions.perturbation, { kind: 'pass-rate', excluded: 0, metric: 'refusal rate' });
  assert.ok(renderReportHtml(plain, { pricing: null, leaderboard: null }).includes('<td class="small">refusal rate</td>'), 'a plain pass rate is not tagged');
});

test('usageByModel sums tokens per model and the cached share', () => {
  const db = openDb('', ':memory:');
  writeHandRuns(db);
  db.prepare("UPDATE responses SET cached = 1 WHERE run_id = ? AND model = ? AND case_id LIKE 'exag-%'").run(RUN_B, MODEL);
  const u = usageByModel(db, RUN_B);
  assert.deepEqual(u[MODEL], { input: 1200, output: 600, cachedInput: 200, cachedOutput: 100 });
  assert.deepEqual(u[ONLY_B], { input: 1200, output: 600, cachedInput: 0, cachedOutput: 0 });
  db.close();
});
