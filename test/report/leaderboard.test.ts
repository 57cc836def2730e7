import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnToDimension, loadLeaderboard, parseLeaderboardCsv, placeModel, rowsByOverall } from '../../src/report/leaderboard.js';

test('loadLeaderboard(llm) reads the published table as 0-100 with trustgen dimension ids', () => {
  const lb = loadLeaderboard('llm');
  assert.equal(lb.kind, 'llm');
  assert.equal(lb.rows.length, 16);
  assert.deepEqual(lb.dimensions, ['truthfulness', 'safety', 'fairness', 'privacy', 'robustness', 'ethics', 'advanced_ai_risk']);
  assert.equal(lb.labels.overall, 'Avg.');
  assert.equal(lb.labels.advanced_ai_risk, 'Advanced AI Risk');
  const gpt4o = lb.rows.find((r) => r.model === 'GPT-4o');
  assert.ok(gpt4o);
  assert.equal(gpt4o.scores.safety, 93.65);
  assert.equal(gpt4o.scores.advanced_ai_risk, 82.77);
  assert.equal(gpt4o.scores.overall, 82.64);
  assert.match(lb.source.name, /TrustGen/);
  assert.match(lb.source.name, /2025/);
  assert.match(lb.source.citation, /Trustworthiness of Generative Foundation Models/);
});

test('LLM Privacy is flagged unreliable where it equals Fairness; VLM and T2I are not', () => {
  const llm = loadLeaderboard('llm');
  assert.ok(llm.unreliable.privacy);
  assert.match(llm.unreliable.privacy.reason, /unreliable at source/);
  assert.equal(llm.unreliable.privacy.rows.length, 16);
  assert.ok(llm.unreliable.privacy.rows.includes('GPT-4o'));
  assert.equal(llm.unreliable.fairness, undefined);
  assert.deepEqual(Object.keys(loadLeaderboard('vlm').unreliable), []);
  assert.deepEqual(Object.keys(loadLeaderboard('t2i').unreliable), []);
});

test('only rows whose Privacy equals Fairness are listed as affected', () => {
  const lb = parseLeaderboardCsv('llm', 'Model,Fairness,Privacy,Avg.\nA,0.8,0.8,0.8\nB,0.7,0.6,0.65\n');
  assert.deepEqual(lb.unreliable.privacy.rows, ['A']);
  assert.match(lb.unreliable.privacy.reason, /1 of 2/);
  const clean = parseLeaderboardCsv('llm', 'Model,Fairness,Privacy,Avg.\nA,0.8,0.7,0.75\n');
  assert.equal(clean.unreliable.privacy, undefined);
});

test('vlm and t2i tables load with their own columns', () => {
  const vlm = loadLeaderboard('vlm');
  assert.equal(vlm.rows.length, 10);
  assert.ok(vlm.dimensions.includes('ethics'));
  assert.ok(!vlm.dimensions.includes('advanced_ai_risk'));
  const t2i = loadLeaderboard('t2i');
  assert.equal(t2i.rows.length, 8);
  assert.deepEqual(t2i.dimensions, ['truthfulness', 'safety', 'fairness', 'robustness', 'privacy']);
  assert.equal(t2i.rows[0].scores.overall, 72.52);
});

test('column names map to dimension ids', () => {
  assert.equal(columnToDimension('Ethics'), 'ethics');
  assert.equal(columnToDimension('Advanced AI Risk'), 'advanced_ai_risk');
  assert.equal(columnToDimension('Avg.'), 'overall');
  assert.equal(columnToDimension(' Truthfulness '), 'truthfulness');
});

test('placeModel: a safety score above every row ranks 1, below every row ranks last', () => {
  const lb = loadLeaderboard('llm');
  const top = placeModel(lb, { safety: 99 });
  assert.deepEqual(top.ranks.safety, { score: 99, rank: 1, of: 17, unreliable: false });
  const bottom = placeModel(lb, { safety: 10 });
  assert.equal(bottom.ranks.safety.rank, 17);
});

test('placeModel: ties share the better rank; rank counts rows strictly above', () => {
  const lb = loadLeaderboard('llm');
  // Above 93.65 (GPT-4o): Claude-3.5-Sonnet 94.38, Gemini-1.5-Pro 94.83, Llama-3.1-8B 93.96.
  assert.equal(placeModel(lb, { safety: 93.65 }).ranks.safety.rank, 4);
  assert.equal(placeModel(lb, { safety: 93.66 }).ranks.safety.rank, 4);
  assert.equal(placeModel(lb, { safety: 93.64 }).ranks.safety.rank, 5);
  // Truthfulness: GLM-4-Plus 68.18 is the best; 68.0 is second.
  assert.equal(placeModel(lb, { truthfulness: 68.0 }).ranks.truthfulness.rank, 2);
});

test('placeModel ranks only the dimensions the run has and says what is missing', () => {
  const lb = loadLeaderboard('llm');
  const p = placeModel(lb, { safety: 90, fairness: null, privacy: 80, overall: 85 });
  assert.deepEqual(Object.keys(p.ranks).sort(), ['overall', 'privacy', 'safety']);
  assert.equal(p.ranks.privacy.unreliable, true);
  assert.ok(p.missing.includes('fairness'));
  assert.ok(p.missing.includes('truthfulness'));
  assert.equal(p.overallComparable, false);
  // Overall 85 beats every published Avg. (best 82.68).
  assert.equal(p.ranks.overall.rank, 1);
  const full = placeModel(lb, Object.fromEntries([...lb.dimensions, 'overall'].map((d) => [d, 70])));
  assert.equal(full.overallComparable, true);
  assert.deepEqual(full.missing, []);
  const extra = placeModel(lb, { ...Object.fromEntries(lb.dimensions.map((d) => [d, 70])), my_dim: 50 });
  assert.deepEqual(extra.extra, ['my_dim']);
  assert.equal(extra.overallComparable, false);
});

test('rowsByOverall sorts best first', () => {
  const rows = rowsByOverall(loadLeaderboard('llm'));
  assert.equal(rows[0].model, 'Gemini-1.5-Pro');
  assert.equal(rows[rows.length - 1].model, 'Claude-3-Haiku');
});
