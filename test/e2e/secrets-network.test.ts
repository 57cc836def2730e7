/**
 * Secrets: after runs with distinctive API keys set (and one with a wrong key, which the server echoes back in
 * its 401 message), no key appears, raw, base64 or hex, in any file trustgen wrote (database, WAL, cache,
 * results, report, exports, anything under HOME or TMPDIR) or in its output.
 * Network: the whole CLI (run, report, list, export) reaches nothing but loopback, checked with a preload
 * that records every connect, UDP send and DNS query, and, where user namespaces work, inside a network
 * namespace that has only loopback.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAnthropicServer } from '../servers/anthropic-server.js';
import { startGeminiServer } from '../servers/gemini-server.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { CLI, cleanEnv, openStore, runCli, runIdOf, tempHome, type CliResult } from './cli.js';

const KEYS = {
  OPENAI_API_KEY: 'sk-test-SECRET-openai-7f3a9c2e1b5d',
  ANTHROPIC_API_KEY: 'sk-ant-SECRET-anthropic-4d8e2f6a0c',
  GEMINI_API_KEY: 'AIzaSECRET-gemini-9b1c7d3e5f',
  AZURE_OPENAI_API_KEY: 'azSECRET-azure-2c4e6a8b0d',
  BRAVE_API_KEY: 'braveSECRET-3e5g7i9k1m',
  TAVILY_API_KEY: 'tvly-SECRET-8h6f4d2b0z',
  HF_TOKEN: 'hf_SECRETtoken1a2b3c4d5e',
};
const WRONG_KEY = 'sk-test-SECRET-wrongkey-5e6f7a8b9c';
const GUARD = resolve('dist/test/servers/loopback-guard.js');
const DRIVER = resolve('dist/test/servers/netns-driver.js');

/** The forms a key could be written in: as is, base64 at any alignment, hex. */
function needles(secret: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('hex')];
  for (const pad of ['', 'a', 'aa']) {
    const b64 = Buffer.from(pad + secret).toString('base64');
    // Skip the block the padding touches and the last block, which depends on what follows.
    forms.push(b64.slice(pad ? 4 : 0, -4));
  }
  return forms;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...filesUnder(p));
    else if (s.isFile()) out.push(p);
  }
  return out;
}

/** Every place (file or output) where some form of some secret occurs. */
function findSecrets(secrets: string[], files: string[], outputs: Record<string, string>): string[] {
  const found: string[] = [];
  const all = secrets.flatMap((s) => needles(s).map((n) => [s, n] as const));
  const check = (where: string, text: string) => {
    for (const [s, n] of all) if (text.includes(n)) found.push(`${where}: ${s}${n === s ? '' : ` (as ${n})`}`);
  };
  for (const f of files) check(f, readFileSync(f).toString('latin1'));
  for (const [name, text] of Object.entries(outputs)) check(name, text);
  return found;
}

describe('no API key is ever written, and nothing but loopback is reached', { timeout: 240_000 }, () => {
  const servers: TestServer[] = [];
  let openai: TestServer;
  let anthropic: TestServer;
  let gemini: TestServer;
  before(async () => {
    openai = await startOpenAIServer({ requireKey: KEYS.OPENAI_API_KEY });
    anthropic = await startAnthropicServer({ requireKey: KEYS.ANTHROPIC_API_KEY });
    gemini = await startGeminiServer({ requireKey: KEYS.GEMINI_API_KEY });
    servers.push(openai, anthropic, gemini);
  });
  after(async () => { await Promise.all(servers.map((s) => s.close())); });

  it('the scan finds a key hidden in a file, raw or base64 at any offset (the check can fail)', () => {
    const dir = tempHome('tg-scan-');
    writeFileSync(join(dir, 'raw.txt'), `x ${KEYS.GEMINI_API_KEY} y`);
    writeFileSync(join(dir, 'b64.bin'), Buffer.from(`zz{"auth":"Bearer ${KEYS.OPENAI_API_KEY}"}`).toString('base64'));
    writeFileSync(join(dir, 'clean.txt'), 'nothing here');
    const found = findSecrets(Object.values(KEYS), filesUnder(dir), {});
    assert.equal(found.filter((f) => f.includes('raw.txt')).length, 1, found.join('\n'));
    assert.ok(found.some((f) => f.includes('b64.bin')), found.join('\n'));
    assert.ok(!found.some((f) => f.includes('clean.txt')));
  });

  it('after runs with keys set, no file or output holds a key', async () => {
    const root = tempHome('tg-secrets-');
    const home = join(root, 'trustgen-home');
    const userHome = join(root, 'home');
    const tmp = join(root, 'tmp');
    const work = join(root, 'work');
    for (const d of [home, userHome, tmp, work]) mkdirSync(d, { recursive: true });
    const env = (extra: Record<string, string> = {}) => cleanEnv({
      ...KEYS,
      TRUSTGEN_HOME: home,
      HOME: userHome,
      TMPDIR: tmp,
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_BASE_URL: anthropic.url,
      GOOGLE_GEMINI_BASE_URL: gemini.url,
      ...extra,
    });
    const outputs: Record<string, string> = {};
    const cli = async (name: string, args: string[], e = env()): Promise<CliResult> => {
      const r = await runCli(args, e, { cwd: work });
      outputs[`${name} stdout`] = r.stdout;
      outputs[`${name} stderr`] = r.stderr;
      return r;
    };

    // Three providers, each server requiring its key, and the rubric LLM judge through the OpenAI one.
    const run = await cli('run', ['run', '--model', 'openai:test-model', '--model', 'anthropic:claude-test', '--model', 'google:gemini-test',
      '--dimensions', 'safety', '--limit', '6', '--judge', 'openai:test-model', '--out', join(work, 'out')]);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const runId = runIdOf(run);
    const db = openStore(home);
    const ok = db.prepare(`SELECT model, COUNT(*) AS n FROM responses WHERE run_id = ? AND status = 'ok' GROUP BY model ORDER BY model`).all(runId);
    db.close();
    assert.deepEqual(ok, [{ model: 'anthropic:claude-test', n: 6 }, { model: 'google:gemini-test', n: 6 }, { model: 'openai:test-model', n: 6 }], 'every provider answered with its key');
    const judged = openai.requests.filter((q) => JSON.stringify(q.body ?? {}).includes('json')).length;
    assert.ok(judged > 0, 'the LLM judge was called');

    // A wrong key: the server's 401 message echoes it back; the stored error must not keep it.
    const wrong = await cli('wrong key', ['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '3', '--no-cache', '--out', join(work, 'out-wrong')], env({ OPENAI_API_KEY: WRONG_KEY }));
    assert.ok(wrong.code === 1 || wrong.code === 2, `exit ${wrong.code}: ${wrong.stderr}`);
    assert.ok(openai.requests.some((q) => q.status === 401), 'the wrong key was not sent');

    assert.equal((await cli('report', ['report', runId, '--out', join(work, 'report')])).code, 0);
    for (const format of ['jsonl', 'csv', 'json']) {
      const r = await cli(`export ${format}`, ['export', runId, '--format', format, '--out', join(work, `export.${format}`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal((await cli('list runs', ['list', 'runs', '--json'])).code, 0);

    const files = [...filesUnder(home), ...filesUnder(userHome), ...filesUnder(tmp), ...filesUnder(work)];
    for (const f of ['trustgen.db', join('out', 'results.json'), join('out', 'report.html'), join('report', 'report.html'), 'export.csv']) {
      assert.ok(files.some((x) => x.endsWith(f)), `${f} was not written, so it was not scanned`);
    }
    const found = findSecrets([...Object.values(KEYS), WRONG_KEY], files, outputs);
    assert.deepEqual(found, [], `keys found:\n${found.join('\n')}`);
  });

  describe('networking limited to loopback', () => {
    it('the preload guard records (and stops) fetch, http, raw sockets and DNS to other hosts', () => {
      const log = join(tempHome('tg-guard-'), 'net.log');
      const code = `
        const dns = require('node:dns');
        Promise.allSettled([
          fetch('http://example.org/'),
          new Promise((r) => require('node:https').get('https://api.openai.com/v1/models', r).on('error', r)),
          new Promise((r) => dns.lookup('example.com', r)),
          new Promise((r) => require('node:net').connect(443, '93.184.215.14').on('error', r)),
        ]).then(() => process.exit(0));`;
      const r = spawnSync(process.execPath, ['--import', GUARD, '-e', code], { env: { ...cleanEnv({}), TRUSTGEN_NET_LOG: log }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const dests = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dest: string; loopback: boolean }).filter((x) => !x.loopback).map((x) => x.dest);
      for (const d of ['example.org:80', 'api.openai.com:443', 'example.com', '93.184.215.14:443']) assert.ok(dests.includes(d), `${d} not recorded: ${dests.join(', ')}`);
    });

    const COMMANDS = [
      ['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '8', '--out', 'OUT/run'],
      ['report', 'RUN_ID', '--out', 'OUT/report'],
      ['list', 'runs'],
      ['list', 'models'],
      ['export', 'RUN_ID', '--format', 'jsonl', '--out', 'OUT/export.jsonl'],
    ];

    function guardLog(file: string): { dest: string; kind: string; loopback: boolean }[] {
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    }

    it('run, report, list and export with the guard: every connection and DNS query is loopback', async () => {
      const root = tempHome('tg-net-');
      const log = join(root, 'net.log');
      const env = cleanEnv({ TRUSTGEN_HOME: join(root, 'home'), OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: KEYS.OPENAI_API_KEY, TRUSTGEN_NET_LOG: log, NODE_OPTIONS: `--import=${GUARD}` });
      let runId = '';
      for (const command of COMMANDS) {
        const args = command.map((a) => a.replace('RUN_ID', runId).replace('OUT', root));
        const r = await runCli(args, env, { cwd: root });
        assert.equal(r.code, 0, `trustgen ${args.join(' ')}: ${r.stderr}`);
        runId ||= runIdOf(r);
      }
      const attempts = guardLog(log);
      const outside = attempts.filter((a) => !a.loopback);
      assert.deepEqual(outside, [], 'trustgen tried to reach beyond loopback');
      assert.ok(attempts.some((a) => a.kind === 'connect' && a.dest === `127.0.0.1:${openai.port}`), 'the guard did not see the calls to the test server: was it loaded?');
    });

    it('the same commands inside a network namespace with only loopback (unshare -rn)', (t) => {
      const probe = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
      if (probe.error || probe.status !== 0) {
        t.skip(`user and network namespaces are not available here: ${probe.error?.message ?? probe.stderr.trim()}`);
        return;
      }
      const root = tempHome('tg-netns-');
      const log = join(root, 'net.log');
      const plan = {
        cli: CLI,
        env: { ...cleanEnv({ TRUSTGEN_HOME: join(root, 'home'), OPENAI_API_KEY: KEYS.OPENAI_API_KEY, TRUSTGEN_NET_LOG: log, NODE_OPTIONS: `--import=${GUARD}` }) } as Record<string, string>,
        commands: COMMANDS.map((c) => c.map((a) => a.replace('OUT', root))),
      };
      const r = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" "$1" "$2"', process.execPath, DRIVER, JSON.stringify(plan)], { encoding: 'utf8', timeout: 120_000, cwd: root });
      assert.equal(r.status, 0, r.stderr);
      const { outcomes, requests } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { outcomes: { args: string[]; code: number; stderr: string }[]; requests: number };
      for (const o of outcomes) assert.equal(o.code, 0, `trustgen ${o.args.join(' ')} in the namespace: ${o.stderr}`);
      assert.ok(requests >= 8, `the test server inside the namespace got ${requests} requests`);
      assert.deepEqual(guardLog(log).filter((a) => !a.loopback), []);
    });
  });
});
