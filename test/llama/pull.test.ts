import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { pullCommand } from '../../src/cli/pull.js';
import { parseCatalog } from '../../src/models/catalog.js';
import { DownloadError, downloadFile } from '../../src/models/download.js';
import { DEFAULT_MODEL_ALIAS, hfEndpoint, hfResolveUrl, pullModel, resolveModelPath } from '../../src/models/pull.js';
import { UserInputError } from '../../src/providers/types.js';

const ALIAS = 'qwen2.5-0.5b-instruct';
const FILE = 'qwen2.5-0.5b-instruct-q4_k_m.gguf';
const RESOLVE_PATH = `/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/${FILE}`;
const TOKEN = 'hf_secret_test_token_123';

interface Seen { path: string; headers: IncomingHttpHeaders; status?: number }
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const s: Seen = { path: req.url ?? '', headers: req.headers };
    seen.push(s);
    res.on('finish', () => { s.status = res.statusCode; });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** How the fake CDN behaves, changed per test. */
interface CdnMode {
  dropFirstAfter?: number; // first GET: send this many bytes, then kill the socket
  ignoreRange?: boolean; // answer 200 with the whole file even to a Range request
  body: Buffer;
}

function cdnHandler(mode: CdnMode): Handler {
  let count = 0;
  return (req, res) => {
    count++;
    if (!req.url?.startsWith('/blob/')) { res.writeHead(404).end(); return; }
    const body = mode.body;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !mode.ignoreRange) {
      const start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (count === 1 && mode.dropFirstAfter !== undefined) {
      res.write(body.subarray(0, mode.dropFirstAfter), () => setTimeout(() => res.socket?.destroy(), 30));
      return;
    }
    res.end(body);
  };
}

/** The fake hub: 302 to the CDN with x-linked-etag / x-linked-size, as huggingface.co does for LFS files. */
function hubHandler(cdnUrl: () => string, meta: () => { sha: string; size: number }): Handler {
  return (req, res) => {
    if (req.url === RESOLVE_PATH) {
      const { sha, size } = meta();
      res.writeHead(302, {
        location: `${cdnUrl()}/blob/abc123?X-Amz-Signature=xyz`,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(size),
        etag: 'W/"0123456789abcdef0123456789abcdef01234567"',
      }).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
  };
}

describe('pull from a local hub (HF_ENDPOINT)', () => {
  const body = randomBytes(1 << 20);
  const sha = createHash('sha256').update(body).digest('hex');
  let mode: CdnMode;
  let cdnImpl: Handler;
  let meta: { sha: string; size: number };
  let hub: Awaited<ReturnType<typeof serve>>;
  let cdn: Awaited<ReturnType<typeof serve>>;
  let home: string;
  let env: Record<string, string>;
  const dest = (): string => join(home, 'models', FILE);

  before(async () => {
    cdn = await serve((req, res) => cdnImpl(req, res));
    hub = await serve(hubHandler(() => cdn.url, () => meta));
  });
  after(async () => {
    await hub.close();
    await cdn.close();
  });
  beforeEach(async () => {
    mode = { body };
    meta = { sha, size: body.length };
    cdnImpl = cdnHandler(mode);
    hub.seen.length = 0;
    cdn.seen.length = 0;
    home = await mkdtemp(join(tmpdir(), 'trustgen-pull-'));
    env = { HF_ENDPOINT: `${hub.url}/`, HF_TOKEN: TOKEN };
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });
  // The CDN handler keeps a per-test request count: rebuild it when the mode changes.
  function setMode(m: Partial<CdnMode>): void {
    Object.assign(mode, m);
    cdnImpl = cdnHandler(mode);
  }
  it('downloads the default alias through the hub path, token to the hub only, verified by sha256', async () => {
    assert.equal(DEFAULT_MODEL_ALIAS, ALIAS);
    const progress: number[] = [];
    const res = await pullModel(ALIAS, { env, home, onProgress: (p) => { progress.push(p.received); assert.equal(p.total, body.length); } });
    assert.deepEqual(res, { path: dest(), downloaded: true });
    assert.ok((await readFile(dest())).equals(body));
    assert.ok(!existsSync(`${dest()}.part`));
    assert.equal(hub.seen.length, 1);
    assert.equal(hub.seen[0].path, RESOLVE_PATH);
    assert.equal(hub.seen[0].headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(cdn.seen.length, 1);
    assert.equal(cdn.seen[0].path, '/blob/abc123?X-Amz-Signature=xyz');
    assert.equal(cdn.seen[0].headers.authorization, undefined, 'no token to another origin');
    assert.equal(cdn.seen[0].headers.range, undefined);
    assert.equal(progress[progress.length - 1], body.length);
    // Present already: no request at all.
    const again = await pullModel(ALIAS, { env, home });
    assert.deepEqual(again, { path: dest(), downloaded: false });
    assert.equal(hub.seen.length, 1);
    assert.equal(resolveModelPath(ALIAS, home), dest());
  });

  it('resumes with a Range request after the connection drops midway', async () => {
    setMode({ dropFirstAfter: 300_000 });
    const res = await pullModel(ALIAS, { env, home, retries: 2, retryDelayMs: 10 });
    assert.equal(res.downloaded, true);
    assert.equal(cdn.seen.length, 2);
    assert.equal(cdn.seen[0].headers.range, undefined);
    const m = /^bytes=(\d+)-$/.exec(String(cdn.seen[1].headers.range));
    assert.ok(m, `second request sends Range, got ${cdn.seen[1].headers.range}`);
    const from = Number(m[1]);
    assert.ok(from > 0 && from <= 300_000, `resumed from ${from}`);
    assert.equal(cdn.seen[1].status, 206);
    assert.ok((await readFile(dest())).equals(body), 'byte-identical');
  });

  it('keeps the .part when retries run out, and the next pull resumes it', async () => {
    setMode({ dropFirstAfter: 400_000 });
    await assert.rejects(pullModel(ALIAS, { env, home, retries: 0 }),
      (e: unknown) => e instanceof DownloadError && e.code === 'network' && !e.message.includes(TOKEN));
    const partSize = (await stat(`${dest()}.part`)).size;
    assert.ok(partSize > 0 && partSize < body.length, `part ${partSize}`);
    assert.ok(!existsSync(dest()));
    const res = await pullModel(ALIAS, { env, home, retries: 0 });
    assert.equal(res.downloaded, true);
    assert.equal(cdn.seen[cdn.seen.length - 1].headers.range, `bytes=${partSize}-`);
    assert.ok((await readFile(dest())).equals(body));
  });

  it('starts over when the server ignores the Range (200)', async () => {
    setMode({ ignoreRange: true });
    await mkdir(join(home, 'models'), { recursive: true });
    await writeFile(`${dest()}.part`, Buffer.from('garbage that is not the start of the file'));
    await pullModel(ALIAS, { env, home, retries: 0 });
    assert.match(String(cdn.seen[0].headers.range), /^bytes=\d+-$/);
    assert.equal(cdn.seen[0].status, 200);
    assert.ok((await readFile(dest())).equals(body));
  });

  it('finishes a .part that is already complete (416)', async () => {
    await mkdir(join(home, 'models'), { recursive: true });
    await writeFile(`${dest()}.part`, body);
    const res = await pullModel(ALIAS, { env, home, retries: 0 });
    assert.equal(res.downloaded, true);
    assert.equal(cdn.seen[0].status, 416);
    assert.ok((await readFile(dest())).equals(body));
  });

  it('detects a wrong sha256 and removes the partial file', async () => {
    meta = { sha: createHash('sha256').update('something else').digest('hex'), size: body.length };
    await assert.rejects(pullModel(ALIAS, { env, home, retries: 0 }),
      (e: unknown) => e instanceof DownloadError && e.code === 'sha256_mismatch' && e.message.includes(meta.sha));
    assert.ok(!existsSync(dest()));
    assert.ok(!existsSync(`${dest()}.part`));
  });

  it('detects a wrong size', async () => {
    meta = { sha, size: body.length + 10 };
    await assert.rejects(pullModel(ALIAS, { env, home, retries: 0 }),
      (e: unknown) => e instanceof DownloadError && e.code === 'size_mismatch' && e.message.includes(String(body.length + 10)));
    assert.ok(!existsSync(dest()));
  });

  it('a 404 is a clear, non-retried error', async () => {
    const url = `${hub.url}/Qwen/nope/resolve/main/x.gguf`;
    await assert.rejects(downloadFile(url, join(home, 'x.gguf'), { retries: 3, retryDelayMs: 10 }),
      (e: unknown) => e instanceof DownloadError && e.status === 404 && e.message.includes('/Qwen/nope/resolve/main/x.gguf'));
    assert.equal(hub.seen.length, 1);
  });

  it('the CLI prints plain progress lines when stderr is not a TTY, then says the file is present', async () => {
    const script = fileURLToPath(new URL('../../src/cli/pull.js', import.meta.url));
    const run = (args: string[]): Promise<{ code: number | null; out: string; err: string }> => new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e',
        `import { pullCommand } from ${JSON.stringify(script)}; await pullCommand().parseAsync(process.argv.slice(1), { from: 'user' });`,
        '--', ...args], { env: { ...process.env, ...env, TRUSTGEN_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => { out += d; });
      child.stderr.on('data', (d: Buffer) => { err += d; });
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const first = await run([]);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, new RegExp(`pulled ${ALIAS.replace(/\./g, '\\.')} to `));
    assert.match(first.err, /pull: 100% /);
    const lines = first.err.split('\n').filter((l) => /^pull: \d+% /.test(l));
    assert.ok(lines.length >= 2 && lines.length <= 12, first.err);
    assert.ok(!first.err.includes(TOKEN) && !first.out.includes(TOKEN));
    assert.ok((await readFile(dest())).equals(body));
    const second = await run([ALIAS]);
    assert.equal(second.code, 0);
    assert.match(second.out, /already downloaded/);
    const list = await run(['--list']);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /qwen2\.5-0\.5b-instruct \(default\) \[downloaded\]/);
    assert.match(list.out, /Qwen\/Qwen2\.5-0\.5B-Instruct-GGUF/);
  });
});

describe('pull: names and endpoints', () => {
  it('an unknown alias is a UserInputError listing the aliases', async () => {
    await assert.rejects(pullModel('no-such-model', { env: {}, home: tmpdir() }),
      (e: unknown) => e instanceof UserInputError && e.message.includes(ALIAS));
    await assert.rejects(pullCommand().exitOverride().parseAsync(['no-such-model'], { from: 'user' }),
      (e: unknown) => e instanceof UserInputError && e.message.includes(ALIAS));
  });

  it('reads HF_ENDPOINT as huggingface_hub does', () => {
    assert.equal(hfEndpoint({}), 'https://huggingface.co');
    assert.equal(hfEndpoint({ HF_ENDPOINT: '' }), 'https://huggingface.co');
    assert.equal(hfEndpoint({ HF_ENDPOINT: 'https://hf-mirror.example/' }), 'https://hf-mirror.example');
    assert.equal(hfResolveUrl('Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'main', FILE, {}),
      `https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/${FILE}`);
    assert.equal(hfResolveUrl('a/b', 'refs/pr/1', 'dir/f.gguf', { HF_ENDPOINT: 'http://x//' }), 'http://x/a/b/resolve/refs%2Fpr%2F1/dir/f.gguf');
  });

  it('the catalog parses and rejects bad entries', () => {
    const c = parseCatalog('models:\n  m:\n    repo: o/r\n    file: f.gguf\n');
    assert.equal(c.get('m')?.revision, 'main');
    assert.throws(() => parseCatalog('models:\n  m:\n    repo: not a repo\n    file: f.gguf\n'), /repo/);
    assert.throws(() => parseCatalog('models:\n  m:\n    repo: o/r\n    file: ../f.gguf\n'), /file/);
  });
});
