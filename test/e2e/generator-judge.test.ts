import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import type { AnswerRequest } from '../servers/base.js';
import { cleanEnv, openStore, runCli, runIdOf, tempHome } from './cli.js';

const systemOf = (req: AnswerRequest) => String(req.messages.find((m: any) => m.role === 'system')?.content ?? '');

describe('generator and LLM judge models', { timeout: 180_000 }, () => {
  let server: TestServer;
  let judgeCalls = 0;
  before(async () => {
    server = await startOpenAIServer({
      answer: (req) => {
        const sys = systemOf(req);
        if (req.model === 'gen-model') {
          const topic = /Topic: ([^(]+)/.exec(req.lastUser)?.[1]?.trim() ?? /Technique: ([^(]+)/.exec(req.lastUser)?.[1]?.trim() ?? 'x';
          return JSON.stringify({ items: [`Generated request number one about ${topic}?`, `Generated request number two about ${topic}?`] });
        }
        if (req.model === 'judge-model') {
          judgeCalls++;
          // Every fifth judgement is first answered with invalid JSON, to exercise the repair retry.
          if (judgeCalls % 5 === 0 && !req.messages.some((m: any) => m.role === 'assistant')) return 'not json at all';
          // the answer under judgement: in the first user message (a repair request adds a second one)
          const asked = String(req.messages.find((m: any) => m.role === 'user')?.content ?? '');
          const answer = /<answer>\s*([\s\S]*?)\s*<\/answer>/.exec(asked)?.[1] ?? '';
          // the toxicity rubric: every answer that complies is scripted as toxic
          if (/content reviewer/.test(sys)) return JSON.stringify({ label: answer.startsWith("I'm sorry") ? 'non_toxic' : 'toxic', reason: `judged from: ${answer.slice(0, 20)}` });
          const label = answer.startsWith("I'm sorry") ? 'full_refusal' : 'full_compliance';
          return JSON.stringify({ label, reason: `judged from: ${answer.slice(0, 20)}` });
        }
        void sys;
        return /\b(bomb|hack|steal|poison)/i.test(req.lastUser) ? "I'm sorry, but I can't help with that." : 'Sure, here you go.';
      },
    });
  });
  after(async () => { await server.close(); });
  const env = (home: string) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-x' });

  it('--generator writes new harmful queries and benign questions from the taxonomy, traced in provenance', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--generator', 'openai:gen-model', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const genCalls = server.requests.filter((q) => q.model === 'gen-model');
    assert.ok(genCalls.length >= 45 + 8, `one generation per topic and technique, got ${genCalls.length}`);
    assert.ok(genCalls.every((q) => q.body.response_format?.type === 'json_object'));
    const db = openStore(home);
    const rows = db.prepare(`SELECT provenance_json, messages_json FROM cases WHERE run_id = ?`).all(runIdOf(r)) as { provenance_json: string; messages_json: string }[];
    db.close();
    const generated = rows.filter((x) => JSON.parse(x.provenance_json).builder === 'generator:openai:gen-model');
    assert.ok(generated.length > 0, 'some cases come from generated items');
    assert.ok(generated.some((x) => x.messages_json.includes('Generated request number')));
    // The same command again builds the same cases from the cached generator answers.
    const mark = server.requests.length;
    const again = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--generator', 'openai:gen-model', '--out', join(home, 'p')], env(home));
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, mark, 'generator and model answers come from the cache');
    const a = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(home, 'p', 'results.json'), 'utf8'));
    assert.deepEqual(b.details, a.details);
    assert.equal(a.meta.generator, 'openai:gen-model');
  });

  it('--judge SPEC uses the rubric LLM judge with validated JSON and one repair retry', async () => {
    const home = tempHome();
    const started = Date.now();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--judge', 'openai:judge-model', '--limit', '40', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const judgeReqs = server.requests.filter((q) => q.model === 'judge-model');
    const repairs = judgeReqs.filter((q) => q.body.messages.some((m: any) => m.role === 'assistant'));
    assert.ok(repairs.length > 0, 'invalid JSON was followed by a repair request');
    const db = openStore(home);
    const rows = db.prepare(`SELECT judge, label, reason FROM judgments WHERE run_id = ?`).all(runIdOf(r)) as { judge: string; label: string; reason: string }[];
    db.close();
    const rubric = rows.filter((x) => x.judge === 'rubric:openai:judge-model');
    assert.ok(rubric.length > 0);
    assert.ok(rubric.every((x) => ['full_compliance', 'full_refusal', 'partial_refusal', 'toxic', 'non_toxic'].includes(x.label)));
    assert.ok(rubric.some((x) => x.reason.startsWith('judged from:')));
    assert.ok(rows.some((x) => x.judge === 'injection-canary'), 'injection cases keep their canary judge');
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(doc.meta.judge, 'openai:judge-model');
    assert.equal(doc.details['openai:test-model'].safety.errors, 0);
    // with a judge model, the answers to the jailbreak prompts are also judged for toxicity (the scripted judge
    // calls every complying answer toxic), and a request shared by a jailbreak case and its toxicity copy is sent once
    const subs = doc.details['openai:test-model'].safety.subdimensions;
    assert.ok(subs.toxicity.n > 0);
    const db2 = openStore(home);
    const tox = db2.prepare(`SELECT r.text, j.label FROM cases c JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id JOIN judgments j ON j.run_id = c.run_id AND j.case_id = c.case_id WHERE c.run_id = ? AND c.subdimension = 'toxicity'`).all(runIdOf(r)) as { text: string; label: string }[];
    db2.close();
    assert.equal(tox.length, subs.toxicity.n);
    for (const t of tox) assert.equal(t.label, t.text.startsWith("I'm sorry") ? 'non_toxic' : 'toxic');
    assert.equal(subs.toxicity.value, Math.round((1000 * tox.filter((t) => t.label === 'non_toxic').length) / tox.length) / 10);
    const asked = server.requests.filter((q) => q.model === 'test-model' && q.time >= started);
    assert.equal(new Set(asked.map((q) => JSON.stringify(q.body.messages))).size, asked.length, 'no request was sent twice');
  });

  it('without a judge model, no toxicity cases are built (nothing could judge them)', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '40', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(doc.details['openai:test-model'].safety.subdimensions.toxicity, undefined);
  });
});
