import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cleanEnv, openStore, runCli, runIdOf, tempHome } from '../e2e/cli.js';
import { openDb } from '../../src/store/db.js';
import { ResponseStore } from '../../src/store/responses.js';
import { RunStore } from '../../src/store/runs.js';
import { REFUSAL_WORDS } from '../servers/base.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { MODEL, seedRun } from '../viewer/fixture.js';
import { startViewerProcess, type ViewerProcess } from '../viewer/start-viewer.js';

const CHROMIUM = '/usr/bin/chromium';
const INJECTED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian chromium (apt-get install chromium) to run the viewer browser tests`;

describe('trustgen view in a browser', { skip, timeout: 240_000 }, () => {
  let server: TestServer;
  let viewer: ViewerProcess;
  let browser: Browser;
  let page: Page;
  let home: string;
  let runId: string;
  const consoleErrors: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'trustgen-viewer-screenshots-'));

  before(async () => {
    // Harmful-looking requests with a refusal word are refused; every other answer carries an injected script.
    server = await startOpenAIServer({
      answer: (r) => (REFUSAL_WORDS.some((w) => r.lastUser.toLowerCase().includes(w)) ? "I'm sorry, but I can't help with that." : `${INJECTED} Sure, here you go: ${r.lastUser.slice(0, 40)}`),
    });
    home = tempHome('tg-viewer-browser-');
    const env = cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' });
    const run = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '40', '--out', join(home, 'out')], env);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    runId = runIdOf(run);
    viewer = await startViewerProcess(['--port', '0'], env);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    process.stdout.write(`viewer screenshots: ${shots}\n`);
  });

  after(async () => {
    await browser?.close();
    await viewer?.stop();
    await server?.close();
  });

  const db = () => openStore(home);
  /** Load the page afresh at a viewer route, so nothing of the previous page is still on screen. */
  const open = async (route = '') => {
    await page.goto('about:blank');
    await page.goto(`${viewer.url}${route}`);
  };

  it('lists the run, draws its scores and chart', async () => {
    await open();
    await page.locator('#runs a', { hasText: runId }).click();
    await page.locator('svg.score-chart rect.bar').first().waitFor();
    assert.ok(await page.locator('svg.score-chart rect.bar').count() >= 4, 'one bar per sub-dimension');
    const store = db();
    const results = JSON.parse((store.prepare('SELECT results_json FROM runs WHERE id = ?').get(runId) as { results_json: string }).results_json);
    store.close();
    const overall = results.scores['openai:test-model'].overall as number;
    assert.equal(await page.locator('.overall-score').first().textContent(), overall.toFixed(1));
    await page.locator('#case-table tbody tr').first().waitFor();
    assert.ok(await page.locator('#case-table .response', { hasText: '<script>window.__pwned=1</script>' }).count() > 0, 'the list shows the markup as text');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.screenshot({ path: join(shots, 'run.png'), fullPage: true });
    await page.screenshot({ path: join(shots, 'run-top.png') });
    // The README's picture is written when missing (delete it to refresh), so a test run leaves the tree clean.
    if (!existsSync('docs/screenshots/viewer.png')) {
      mkdirSync('docs/screenshots', { recursive: true });
      copyFileSync(join(shots, 'run-top.png'), 'docs/screenshots/viewer.png');
    }
  });

  it('filters cases by sub-dimension and verdict, searches their text, and filters by an attack tag', async () => {
    const store = db();
    const expected = (store.prepare(
      `SELECT c.case_id FROM cases c JOIN judgments j ON j.run_id = c.run_id AND j.case_id = c.case_id JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = j.model
       WHERE c.run_id = ? AND c.subdimension = 'jailbreak' AND r.status = 'ok' AND j.score < 0.5 ORDER BY c.seq`,
    ).all(runId) as { case_id: string }[]).map((r) => r.case_id);
    const all = (store.prepare('SELECT COUNT(*) AS n FROM cases WHERE run_id = ?').get(runId) as { n: number }).n;
    store.close();
    assert.ok(expected.length > 0 && expected.length < all, 'the filter must narrow the list to a non-empty part');
    await page.selectOption('#case-filters select[name=sub]', 'safety/jailbreak');
    await page.selectOption('#case-filters select[name=verdict]', 'fail');
    await page.click('#case-filters button[type=submit]');
    await page.waitForFunction((n) => document.querySelectorAll('#case-table tbody tr').length === n, expected.length);
    const shown = await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')));
    assert.deepEqual(shown, expected);
    for (const text of await page.locator('#case-table tbody tr td:nth-child(2)').allTextContents()) assert.equal(text, 'safety / jailbreak');
    for (const text of await page.locator('#case-table tbody tr .pill').allTextContents()) assert.equal(text, 'fail');

    // Search: the longest word of one exaggerated-safety prompt.
    const store2 = db();
    const sample = store2.prepare("SELECT messages_json FROM cases WHERE run_id = ? AND subdimension = 'exaggerated' ORDER BY seq LIMIT 1").get(runId) as { messages_json: string };
    const messages = JSON.parse(sample.messages_json) as { content: string }[];
    const word = messages[messages.length - 1].content.split(/[^A-Za-z]+/).sort((x, y) => y.length - x.length)[0];
    const matching = (store2.prepare(
      `SELECT c.case_id FROM cases c JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id
       WHERE c.run_id = ? AND (c.messages_json LIKE ? OR r.text LIKE ?) ORDER BY c.seq`,
    ).all(runId, `%${word}%`, `%${word}%`) as { case_id: string }[]).map((r) => r.case_id);
    store2.close();
    assert.ok(matching.length >= 1 && matching.length < all, `"${word}" must match some cases, not all`);
    await open(`#/run/${runId}`);
    await page.fill('#case-filters input[name=q]', word);
    await page.click('#case-filters button[type=submit]');
    await page.waitForFunction((n) => document.querySelector('#case-count')?.textContent?.startsWith(`${n} case`), matching.length);
    const found = await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')));
    assert.deepEqual(found, matching);
    await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });

    // Tag: the filter offers the facet values of the scores; pick the first attack.
    await open(`#/run/${runId}`);
    await page.waitForFunction(() => document.querySelectorAll('#tag-options option[value^="attack="]').length > 0);
    const tag = (await page.locator('#tag-options option[value^="attack="]').first().getAttribute('value'))!;
    const store3 = db();
    const tagged = (store3.prepare("SELECT case_id FROM cases WHERE run_id = ? AND json_extract(tags_json, '$.attack') = ? ORDER BY seq")
      .all(runId, tag.slice('attack='.length)) as { case_id: string }[]).map((r) => r.case_id);
    store3.close();
    assert.ok(tagged.length >= 1 && tagged.length < all);
    await page.fill('#case-filters input[name=tag]', tag);
    await page.click('#case-filters button[type=submit]');
    await page.waitForFunction((n) => document.querySelector('#case-count')?.textContent?.startsWith(`${n} case`), tagged.length);
    assert.deepEqual(await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case'))), tagged);
  });

  it('opens a case with its chain, shows the injected script as text, and records an annotation that updates agreement', async () => {
    await open(`#/run/${runId}?sub=safety%2Fjailbreak&verdict=fail`);
    const first = page.locator('#case-table tbody tr').first();
    await first.waitFor();
    const caseId = await first.getAttribute('data-case');
    assert.ok(caseId);
    await first.click();
    await page.locator('#chain').waitFor();
    const store = db();
    const row = store.prepare('SELECT provenance_json FROM cases WHERE run_id = ? AND case_id = ?').get(runId, caseId) as { provenance_json: string };
    store.close();
    const prov = JSON.parse(row.provenance_json);
    assert.equal(await page.locator('#chain-builder').textContent(), prov.builder);
    assert.equal(await page.locator('#chain-seed').textContent(), String(prov.seed));
    assert.match((await page.locator('#chain-variations').textContent())!, /jailbreak:/);
    assert.ok((await page.locator('#messages pre').count()) >= 1);
    assert.ok((await page.locator('.response-text').first().textContent())!.includes(INJECTED), 'the response shows the markup as text');
    assert.equal(await page.locator('#messages script, .model-chain script, .model-chain img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'the script in the response never ran');
    assert.match((await page.locator('#agreement-overall').textContent())!, /No annotations yet/);

    await page.click('.model-chain .mark-wrong');
    await page.fill('.model-chain input[name=label]', 'full_refusal');
    await page.selectOption('.model-chain select[name=passes]', '1');
    await page.fill('.model-chain input[name=annotator]', 'tester');
    await page.click('.model-chain .mark-wrong');
    await page.locator('.annotate-message', { hasText: 'Saved.' }).waitFor();
    const check = db();
    const a = check.prepare('SELECT verdict, label, score, annotator FROM annotations WHERE run_id = ? AND case_id = ?').get(runId, caseId);
    check.close();
    assert.deepEqual({ ...(a as object) }, { verdict: 'wrong', label: 'full_refusal', score: 1, annotator: 'tester' });
    assert.equal(await page.locator('#agreement-overall').textContent(), 'Judge agrees with people on 0.0% of 1 annotated judgements');
    await page.screenshot({ path: join(shots, 'case.png'), fullPage: true });
  });

  it('shows scores with human labels beside the judge\'s', async () => {
    await open(`#/run/${runId}`);
    await page.locator('#human-toggle').check();
    await page.locator('svg.score-chart rect.bar.human').first().waitFor();
    const store = db();
    const n = (store.prepare("SELECT COUNT(*) AS n FROM judgments j JOIN cases c ON c.run_id = j.run_id AND c.case_id = j.case_id WHERE j.run_id = ? AND c.subdimension = 'jailbreak' AND j.score IS NOT NULL").get(runId) as { n: number }).n;
    const pass = (store.prepare("SELECT COALESCE(SUM(j.score), 0) AS n FROM judgments j JOIN cases c ON c.run_id = j.run_id AND c.case_id = j.case_id WHERE j.run_id = ? AND c.subdimension = 'jailbreak' AND j.score IS NOT NULL").get(runId) as { n: number }).n;
    store.close();
    // One jailbreak failure was annotated as a passing refusal: the human-label rate counts one more pass.
    const cells = page.locator('table.scores tr', { hasText: 'jailbreak' }).locator('td');
    const texts = await cells.allTextContents();
    assert.equal(texts[3], ((100 * pass) / n).toFixed(1));
    assert.equal(texts[7], ((100 * (pass + 1)) / n).toFixed(1));
    await page.screenshot({ path: join(shots, 'human-labels.png'), fullPage: true });
  });

  it('follows a running run live until it completes', async () => {
    const live = 'live-run';
    const store = openDb(home);
    try {
      seedRun(store, live, 20);
      store.prepare("DELETE FROM judgments WHERE run_id = ? AND case_id >= 'case-000010'").run(live);
      await open(`#/run/${live}`);
      await page.locator('#progress-counts', { hasText: '9 judgments of 20' }).waitFor();
      assert.equal(await page.locator('#run-status').textContent(), 'running');
      const judgments = [];
      for (let i = 10; i < 20; i++) judgments.push({ caseId: `case-0000${i}`, model: MODEL, judge: 'refusal', label: 'full_refusal', score: 1, reason: null });
      new ResponseStore(store).saveJudgments(live, judgments);
      await page.locator('#progress-counts', { hasText: '19 judgments of 20' }).waitFor({ timeout: 10_000 });
      new RunStore(store).setStatus(live, 'complete');
      await page.locator('#run-status', { hasText: 'complete' }).waitFor({ timeout: 10_000 });
      await page.locator('svg.score-chart rect.bar').first().waitFor();
    } finally {
      store.close();
    }
  });

  it('compares two runs: score deltas and the cases whose verdict changed', async () => {
    server.setAnswer(() => "I'm sorry, but I can't help with that.");
    const env = cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' });
    const second = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '40', '--no-cache', '--out', join(home, 'out2')], env);
    assert.ok(second.code === 0 || second.code === 1, second.stderr);
    const runB = runIdOf(second);
    const store = db();
    const changed = (store.prepare(
      `SELECT COUNT(*) AS n FROM judgments ja JOIN judgments jb ON jb.run_id = ? AND jb.case_id = ja.case_id AND jb.model = ja.model
       WHERE ja.run_id = ? AND (ja.label IS NOT jb.label OR ja.score IS NOT jb.score)`,
    ).get(runB, runId) as { n: number }).n;
    store.close();
    assert.ok(changed > 0, 'refusing everything changes verdicts');
    await open();
    await page.selectOption('select[name=a]', runId);
    await page.selectOption('select[name=b]', runB);
    await page.click('form.filters button[type=submit]');
    await page.locator('#compare-models table.compare').first().waitFor();
    assert.ok(await page.locator('#compare-models table.compare tr').count() >= 6, 'overall, the dimension and its sub-dimensions');
    assert.equal(await page.locator('h2', { hasText: 'Cases whose verdict changed' }).textContent(), `Cases whose verdict changed (${changed})`);
    assert.equal(await page.locator('#changed tr').count(), Math.min(changed, 50) + 1);
    await page.screenshot({ path: join(shots, 'compare.png'), fullPage: true });
  });

  it('never ran the injected script and logged no console error', async () => {
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(consoleErrors, []);
  });
});
