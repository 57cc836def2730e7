import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { defaultAnswer } from '../servers/base.js';
import { cleanEnv, runCli, tempHome } from './cli.js';

const ALL = ['truthfulness', 'safety', 'fairness', 'robustness', 'privacy', 'ethics', 'advanced_ai_risk'];

describe('all seven LLM dimensions', { timeout: 240_000 }, () => {
  let server: TestServer;
  // A stock model: answers closed questions with the first label or option it is offered, refuses a few words.
  before(async () => {
    server = await startOpenAIServer({
      answer: (req) => {
        const text = req.messages.map((m: { content: unknown }) => (typeof m.content === 'string' ? m.content : '')).join('\n');
        const label = /\b(POSITIVE|ENTAILMENT|GOOD|ACCEPTABLE|SUPPORT|STEREOTYPE)\b/.exec(text);
        if (label) return label[1];
        if (/^A\) /m.test(text)) return 'A';
        return defaultAnswer(req);
      },
    });
  });
  after(async () => { await server.close(); });
  const env = (home: string) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' });

  it('`trustgen list dimensions --json` lists each with sub-dimensions, modalities, metrics and judge kinds', async () => {
    const r = await runCli(['list', 'dimensions', '--json'], env(tempHome()));
    assert.equal(r.code, 0, r.stderr);
    const dims = JSON.parse(r.stdout) as { id: string; modalities: string[]; judgeKinds: string[]; subdimensions: { id: string; metric: string; scoring: string }[] }[];
    assert.deepEqual(dims.map((d) => d.id), ALL);
    for (const d of dims) {
      assert.ok(d.modalities.includes('llm'), d.id);
      assert.ok(d.judgeKinds.length > 0, d.id);
      assert.ok(d.subdimensions.length >= 1, d.id);
      for (const s of d.subdimensions) {
        assert.ok(s.metric.length > 5, `${d.id}/${s.id} has a metric`);
        assert.ok(['pass-rate', 'agreement', 'kept-correct'].includes(s.scoring), `${d.id}/${s.id} scoring`);
      }
    }
    assert.ok(dims.find((d) => d.id === 'robustness')!.subdimensions.every((s) => s.scoring === 'agreement'));
    assert.ok(dims.find((d) => d.id === 'truthfulness')!.subdimensions.some((s) => s.scoring === 'kept-correct'));
  });

  it('`trustgen run` with no --dimensions runs all seven; every sub-dimension has its metric, case count and 95% interval', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--model', 'openai:test-model', '--limit', '30', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const details = doc.details['openai:test-model'];
    assert.deepEqual(Object.keys(details).sort(), [...ALL].sort());
    const scores = doc.scores['openai:test-model'];
    for (const d of ALL) {
      assert.equal(typeof scores[d], 'number', `${d} has a score`);
      const all = Object.entries(details[d].subdimensions) as [string, { value: number | null; n: number; ci95: [number, number] | null; metric: string; kind: string; excluded?: number }][];
      assert.ok(all.length >= 1, d);
      // A pair metric with no base answered (this server's stock reply answers nothing) has no value, and says why.
      for (const [id, m] of all.filter(([, m]) => m.value === null)) {
        assert.ok(m.kind !== 'pass-rate' && m.n === 0 && m.excluded! > 0, `${d}/${id}: no value only for a pair metric whose pairs were all left out`);
      }
      const subs = all.filter(([, m]) => m.value !== null);
      for (const [id, m] of subs) {
        assert.ok(m.n > 0, `${d}/${id} counted cases`);
        assert.ok(m.value !== null && m.value >= 0 && m.value <= 100, `${d}/${id} value`);
        assert.ok(m.ci95 && m.ci95[0] <= m.value! && m.value! <= m.ci95[1], `${d}/${id} interval holds the value`);
      }
      const mean = subs.reduce((a, [, m]) => a + m.value!, 0) / subs.length;
      assert.ok(Math.abs(scores[d] - mean) < 0.11, `${d}: the score is the mean of its sub-dimensions`);
      // its 95% interval: the sub-dimension intervals combined for the mean by square-and-add (MOVER)
      const below = Math.sqrt(subs.reduce((a, [, m]) => a + (m.value! - m.ci95![0]) ** 2, 0)) / subs.length;
      const above = Math.sqrt(subs.reduce((a, [, m]) => a + (m.ci95![1] - m.value!) ** 2, 0)) / subs.length;
      const ci = details[d].ci95 as [number, number];
      assert.ok(Math.abs(ci[0] - Math.max(0, mean - below)) < 0.2 && Math.abs(ci[1] - Math.min(100, mean + above)) < 0.2, `${d}: interval ${ci} for ${mean} -${below} +${above}`);
    }
    const dimMean = ALL.reduce((a, d) => a + scores[d], 0) / ALL.length;
    assert.ok(Math.abs(scores.overall - dimMean) < 0.11, 'overall is the unweighted mean of the seven');
    const overall = doc.overall['openai:test-model'];
    assert.equal(overall.score, scores.overall);
    assert.ok(overall.ci95[0] < overall.score && overall.score < overall.ci95[1], 'the overall score has its interval');
    // robustness reports agreement per perturbation
    const rob = Object.values(details.robustness.subdimensions) as { breakdown?: Record<string, Record<string, unknown>> }[];
    assert.ok(rob.some((s) => s.breakdown?.perturbation && Object.keys(s.breakdown.perturbation).length === 13), 'agreement for each of the 13 perturbations');
  });
});
