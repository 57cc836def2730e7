import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cleanEnv, runCli, tempHome } from '../e2e/cli.js';
import { REFUSAL_WORDS } from '../servers/base.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';

/** Debian's chromium; TRUSTGEN_TEST_CHROMIUM points elsewhere (a missing path shows the skip). */
const CHROMIUM = process.env.TRUSTGEN_TEST_CHROMIUM ?? '/usr/bin/chromium';
const INJECTED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian chromium (apt-get install chromium) to run the report browser test`;
/** The README's picture: written when missing, or rewritten with TRUSTGEN_UPDATE_SCREENSHOTS=1 (so test runs leave the tree clean). */
const README_SHOT = 'docs/screenshots/report.png';

describe('report.html in a browser', { skip, timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let reportFile: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'trustgen-report-screenshots-'));

  before(async () => {
    // Requests with a refusal word are refused; every other answer carries an injected script and image.
    server = await startOpenAIServer({
      answer: (r) => (REFUSAL_WORDS.some((w) => r.lastUser.toLowerCase().includes(w)) ? "I'm sorry, but I can't help with that." : `${INJECTED} Sure, here you go: ${r.lastUser.slice(0, 40)}`),
    });
    const home = tempHome('tg-report-browser-');
    const env = cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' });
    const out = join(home, 'out');
    const run = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'safety', '--limit', '40', '--out', out], env);
    assert.equal(run.code, 0, run.stderr);
    reportFile = join(out, 'report.html');
    assert.ok(readFileSync(reportFile, 'utf8').includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'), 'the run produced failures holding the payload');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(reportFile).href);
    process.stdout.write(`report screenshots: ${shots}\n`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens offline with no console error and loads nothing but itself', async () => {
    assert.match(await page.title(), /^trustgen report · \d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [pathToFileURL(reportFile).href], 'no request beyond the file itself');
    await page.screenshot({ path: join(shots, 'report-top.png') });
    if (!existsSync(README_SHOT) || process.env.TRUSTGEN_UPDATE_SCREENSHOTS === '1') {
      mkdirSync('docs/screenshots', { recursive: true });
      copyFileSync(join(shots, 'report-top.png'), README_SHOT);
    }
  });

  it('shows the overall and dimension scores and draws the radar and the CI bars', async () => {
    const big = await page.locator('.model-card .big').textContent();
    assert.match(big ?? '', /^\d{1,3}\.\d$/);
    assert.match((await page.locator('.model-card .tile').first().textContent()) ?? '', /Safety\s*\d{1,3}\.\d/);
    // One dimension: the radar draws the four safety sub-dimensions.
    const radar = page.locator('.model-card svg.radar');
    assert.equal(await radar.count(), 1);
    assert.equal(await radar.locator('line.axis').count(), 4);
    const area = radar.locator('polygon.area');
    assert.equal(await area.count(), 1);
    const box = await area.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `radar polygon drawn: ${JSON.stringify(box)}`);
    const bars = page.locator('#model-0 table.sub svg.bar');
    assert.equal(await bars.count(), 4, 'a bar per sub-dimension');
    const fills = page.locator('#model-0 table.sub rect.fill');
    assert.ok(await fills.count() >= 3, 'bars with a value are filled');
    for (let i = 0; i < await fills.count(); i++) {
      const b = await fills.nth(i).boundingBox();
      assert.ok(b && b.height > 0, `fill ${i} has a size`);
    }
    assert.ok(await page.locator('#model-0 table.sub g.ci').count() >= 3, 'CI whiskers');
  });

  it('places the model in the published leaderboard with Privacy marked unreliable', async () => {
    const table = page.locator('#leaderboard table.leaderboard');
    assert.equal(await table.count(), 1);
    assert.equal(await table.locator('tbody tr').count(), 17, '16 published models and this run');
    assert.match((await table.locator('tr.you').textContent()) ?? '', /openai:test-model \(this run\)/);
    assert.match((await table.locator('th.unrel').textContent()) ?? '', /Privacy\s*⚠ unreliable at source/);
    assert.match((await page.locator('#leaderboard').textContent()) ?? '', /Huang et al\./);
  });

  it('shows an injected script in a response as text, and never runs it', async () => {
    const failure = page.locator('details.failure').first();
    await failure.locator('summary').click();
    const response = failure.locator('pre').nth(1);
    assert.ok((await response.textContent())?.includes(INJECTED), 'the payload reads literally');
    assert.ok(await response.isVisible());
    assert.match((await failure.locator('dl.kv').textContent()) ?? '', /Variation chain/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0, 'no injected element');
    assert.equal(await page.locator('script').count(), 0);
    await failure.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'report-failure.png') });
    await page.screenshot({ path: join(shots, 'report-full.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });
});
