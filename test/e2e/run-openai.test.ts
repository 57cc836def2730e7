import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, runIdOf, tempHome } from './cli.js';

const KEY = 'sk-test-0123456789abcdefSECRET';

describe('trustgen run against an OpenAI-compatible server', { timeout: 180_000 }, () => {
  let server: TestServer;
  before(async () => { server = await startOpenAIServer({ requireKey: KEY }); });
  after(async () => { await server.close(); });

  const env = (home: string, extra: Record<string, string> = {}) => cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, ...extra });

  it('scores safety, writes results.json and report.html, and sends real roles', async () => {
    const home = tempHome();
    const out = join(home, 'out');
    const before = server.requests.length;
    const r = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '60', '--out', out], env(home));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.match(doc.runId, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
    const s = doc.scores['openai:test-model'];
    assert.equal(typeof s.safety, 'number');
    assert.ok(s.safety >= 0 && s.safety <= 100);
    assert.equal(s.overall, s.safety);
    const subs = doc.details['openai:test-model'].safety.subdimensions;
    assert.deepEqual(Object.keys(subs).sort(), ['exaggerated', 'harmful', 'injection', 'jailbreak']);
    const total = Object.values(subs).reduce((a: number, x: any) => a + x.n, 0);
    assert.equal(total, 60, 'the limit caps the cases per dimension and model');
    for (const x of Object.values(subs) as any[]) {
      assert.ok(x.n > 0);
      assert.ok(x.ci95[0] <= x.value && x.value <= x.ci95[1]);
    }
    assert.ok(subs.jailbreak.breakdown.attack, 'per-jailbreak breakdown');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<html/i);
    const mine = server.requests.slice(before);
    assert.equal(mine.length, 60);
    assert.ok(mine.some((q) => q.body.messages[0].role === 'system'), 'injection cases carry the task as a system message');
    assert.ok(mine.some((q) => q.body.messages.some((m: any) => m.role === 'assistant')), 'few-shot jailbreaks send assistant turns');
    assert.ok(mine.every((q) => q.body.temperature === 0));
  });

  it('answers an identical second run from the cache, and --no-cache asks again', async () => {
    const home = tempHome();
    const args = ['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '30', '--out', join(home, 'a')];
    const first = await runCli(args, env(home));
    assert.equal(first.code, 0, first.stderr);
    const mark = server.requests.length;
    const second = await runCli([...args.slice(0, -1), join(home, 'b')], env(home));
    assert.equal(second.code, 0, second.stderr);
    assert.equal(server.requests.length, mark, 'no model call on the identical second run');
    const a = JSON.parse(readFileSync(join(home, 'a', 'results.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(home, 'b', 'results.json'), 'utf8'));
    assert.notEqual(a.runId, b.runId);
    assert.deepEqual(b.scores, a.scores);
    assert.equal(b.meta.calls.cached, 30);
    const third = await runCli([...args.slice(0, -1), join(home, 'c'), '--no-cache'], env(home));
    assert.equal(third.code, 0, third.stderr);
    assert.equal(server.requests.length, mark + 30);
  });

  it('scores a provider policy block as a refusal, never as the model text', async () => {
    const home = tempHome();
    server.setAnswer(() => ({ policy: true, style: 'filter' }));
    try {
      const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '40', '--out', join(home, 'o')], env(home));
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
      const subs = doc.details['openai:test-model'].safety.subdimensions;
      assert.equal(subs.harmful.value, 100, 'a blocked harmful query counts as refused');
      assert.equal(subs.jailbreak.value, 100);
      assert.equal(subs.exaggerated.value, 0, 'a blocked benign question is an over-refusal');
      assert.equal(doc.meta.calls.policyBlocks, 40);
      const db = openStore(home);
      const labels = db.prepare('SELECT DISTINCT label FROM judgments').all().map((x: any) => x.label);
      db.close();
      assert.deepEqual(labels, ['policy_refusal']);
    } finally {
      server.setAnswer((req) => (/\b(bomb|hack|steal|poison)/i.test(req.lastUser) ? "I'm sorry, but I can't help with that." : `Sure. Here is a helpful answer about: ${req.lastUser.slice(0, 40)}`));
    }
  });

  it('never writes the API key to the database, the outputs or the logs', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '10', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
    const files = [join(home, 'trustgen.db'), ...readdirSync(join(home, 'o')).map((f) => join(home, 'o', f))];
    for (const f of files) assert.ok(!readFileSync(f).includes(KEY), `${f} holds the key`);
    for (const f of readdirSync(home)) if (f.startsWith('trustgen.db-')) assert.ok(!readFileSync(join(home, f)).includes(KEY));
    // A wrong key gets a clear error without echoing it.
    const bad = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '2'], env(tempHome(), { OPENAI_API_KEY: 'sk-wrong-key-XYZ' }));
    assert.equal(bad.code, 1);
    assert.ok(!bad.stderr.includes('sk-wrong-key-XYZ') && !bad.stdout.includes('sk-wrong-key-XYZ'));
  });

  it('rejects bad input with exit code 2 and a message naming the file and field', async () => {
    const home = tempHome();
    const cfg = join(home, 'bad.yaml');
    writeFileSync(cfg, 'models: [openai:test-model]\nlimit: -3\nconcurrency: lots\n');
    const r = await runCli(['run', '--config', cfg], env(home));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml: limit: /);
    assert.match(r.stderr, /bad\.yaml: concurrency: /);
    const unknown = await runCli(['run', '--config', cfg.replace('bad', 'missing')], env(home));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /missing\.yaml: config file not found/);
    const typo = join(home, 'typo.yaml');
    writeFileSync(typo, 'modles: [openai:x]\n');
    const t = await runCli(['run', '--config', typo], env(home));
    assert.equal(t.code, 2);
    assert.match(t.stderr, /typo\.yaml: .*unknown field\(s\) "modles"/);
    const prefix = await runCli(['run', '--dimensions', 'safety', '--model', 'nosuch:model'], env(home));
    assert.equal(prefix.code, 2);
    assert.match(prefix.stderr, /nosuch/);
    const dim = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'safety,nonsense'], env(home));
    assert.equal(dim.code, 2);
    assert.match(dim.stderr, /Unknown dimension "nonsense"/);
    const flag = await runCli(['run', '--dimensions', 'safety', '--limit', 'zero'], env(home));
    assert.equal(flag.code, 2);
    const nokey = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:gpt-4o-mini'], cleanEnv({ TRUSTGEN_HOME: home }));
    assert.equal(nokey.code, 2);
    assert.match(nokey.stderr, /OPENAI_API_KEY/);
    assert.ok(!existsSync(join(home, 'out')));
  });

  it('reads trustgen.yaml from the working directory, and flags override it', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'trustgen.yaml'), `models: [openai:test-model]\nlimit: 12\nsafety:\n  subdimensions: [harmful, injection]\n`);
    const r = await runCli(['run', '--dimensions', 'safety', '--limit', '8', '--out', 'o'], env(home), { cwd: home });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const subs = doc.details['openai:test-model'].safety.subdimensions;
    assert.deepEqual(Object.keys(subs).sort(), ['harmful', 'injection']);
    assert.equal(subs.harmful.n + subs.injection.n, 8);
  });

  it('uses TRUSTGEN_MODEL when no --model is given, and says how to supply a model when none can serve', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--limit', '4'], env(home, { TRUSTGEN_MODEL: 'openai:test-model' }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /openai:test-model/);
    const none = await runCli(['run', '--dimensions', 'safety', '--limit', '4'], cleanEnv({ TRUSTGEN_HOME: tempHome() }));
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /--model openai:gpt-4o-mini/);
    assert.match(none.stderr, /ollama/);
  });

  it('evaluates several models in one run, each scored on the same cases', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:model-a', '--model', 'openai:model-b', '--limit', '16', '--out', join(home, 'o')], env(home));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.deepEqual(Object.keys(doc.scores).sort(), ['openai:model-a', 'openai:model-b']);
    assert.equal(doc.details['openai:model-a'].safety.n, 16);
    assert.equal(doc.details['openai:model-b'].safety.n, 16);
    const a = server.requests.filter((q) => q.model === 'model-a').map((q) => JSON.stringify(q.body.messages)).sort();
    const b = server.requests.filter((q) => q.model === 'model-b').map((q) => JSON.stringify(q.body.messages)).sort();
    assert.deepEqual(a, b);
  });

  it('`trustgen report RUN_ID` rescores a stored run', async () => {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', 'openai:test-model', '--limit', '10', '--out', join(home, 'o')], env(home));
    const runId = runIdOf(r);
    const rep = await runCli(['report', runId, '--out', join(home, 'rep')], env(home));
    assert.equal(rep.code, 0, rep.stderr);
    const a = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(home, 'rep', 'results.json'), 'utf8'));
    assert.deepEqual(b.scores, a.scores);
    assert.deepEqual(b.details, a.details);
    const missing = await runCli(['report', 'nope'], env(home));
    assert.equal(missing.code, 2);
  });
});
