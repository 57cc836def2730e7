/**
 * A resumable HTTP download to `<dest>.part`, renamed to `dest` once its size (and, when
 * known, its sha256) check out. Redirects are followed by hand so that the headers of the
 * first answer (the Hugging Face hub's x-linked-etag / x-linked-size on its 302) are seen,
 * and so that an Authorization header never follows a redirect to another origin.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DownloadProgress {
  /** Bytes of the file on disk so far, counting a resumed part. */
  received: number;
  /** The file's full size when the server told it. */
  total?: number;
  /** Bytes that were already there when this attempt started (resumed from a .part). */
  resumedFrom: number;
}

export interface DownloadOptions {
  /** Extra request headers (e.g. Authorization); Authorization is sent to the first origin only. */
  headers?: Record<string, string>;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Known sha256 (hex) of the file; else one is taken from an x-linked-etag/ETag of 64 hex chars. */
  expectedSha256?: string;
  /** Known size in bytes; else taken from x-linked-size, Content-Range or Content-Length. */
  expectedSize?: number;
  /** Retries after a dropped connection or a 5xx/429 answer, each resuming the .part. Default 3. */
  retries?: number;
  /** Wait before retry n is n times this. Default 1000 ms. */
  retryDelayMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Whether the sha256 was checked against a known value. */
  sha256Verified: boolean;
  /** Whether some bytes came from an earlier, interrupted attempt. */
  resumed: boolean;
}

export type DownloadErrorCode = 'http' | 'network' | 'size_mismatch' | 'sha256_mismatch' | 'redirects' | 'range';

export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  constructor(message: string, opts: { code: DownloadErrorCode; status?: number; retryable: boolean; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DownloadError';
    this.code = opts.code;
    this.status = opts.status;
    this.retryable = opts.retryable;
  }
}

const MAX_REDIRECTS = 10;

/** An entity tag without W/ and quotes, lower-cased when it is hex. */
function cleanEtag(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

function isSha256(v: string | undefined): v is string {
  return !!v && /^[0-9a-f]{64}$/.test(v);
}

/** The URL without query and credentials, for messages (signed CDN URLs carry secrets in the query). */
function showUrl(u: URL): string {
  return `${u.origin}${u.pathname}`;
}

interface Answer {
  res: Response;
  url: URL;
  linkedSize?: number;
  linkedEtag?: string;
  etag?: string;
}

async function request(url: URL, headers: Record<string, string>, offset: number, signal?: AbortSignal): Promise<Answer> {
  const firstOrigin = url.origin;
  let cur = url;
  let linkedSize: number | undefined;
  let linkedEtag: string | undefined;
  let etag: string | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const h: Record<string, string> = { 'accept-encoding': 'identity' };
    for (const [k, v] of Object.entries(headers)) {
      if (k.toLowerCase() === 'authorization' && cur.origin !== firstOrigin) continue;
      h[k] = v;
    }
    if (offset > 0) h.range = `bytes=${offset}-`;
    let res: Response;
    try {
      res = await fetch(cur, { headers: h, redirect: 'manual', signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw new DownloadError(`cannot reach ${showUrl(cur)}: ${(err as Error).message}${(err as Error & { cause?: Error }).cause ? ` (${(err as Error & { cause?: Error }).cause!.message})` : ''}`, { code: 'network', retryable: true, cause: err });
    }
    const ls = res.headers.get('x-linked-size');
    if (ls && linkedSize === undefined && /^\d+$/.test(ls)) linkedSize = Number(ls);
    linkedEtag ??= cleanEtag(res.headers.get('x-linked-etag'));
    etag ??= cleanEtag(res.headers.get('etag'));
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc) {
      await res.body?.cancel().catch(() => undefined);
      cur = new URL(loc, cur);
      continue;
    }
    return { res, url: cur, linkedSize, linkedEtag, etag };
  }
  throw new DownloadError(`too many redirects from ${showUrl(url)}`, { code: 'redirects', retryable: false });
}

async function fileSize(path: string): Promise<number> {
  try { return (await stat(path)).size; } catch { return 0; }
}

async function hashFile(path: string, hash: Hash, signal?: AbortSignal): Promise<void> {
  await pipeline(createReadStream(path), new Transform({
    transform(chunk: Buffer, _enc, cb) { hash.update(chunk); cb(); },
  }), { signal });
}

async function finalize(part: string, dest: string, expectedSize: number | undefined, expectedSha: string | undefined,
  hash: Hash, resumed: boolean): Promise<DownloadResult> {
  const bytes = await fileSize(part);
  if (expectedSize !== undefined && bytes !== expectedSize) {
    await rm(part, { force: true });
    throw new DownloadError(`size mismatch for ${dest}: expected ${expectedSize} bytes, got ${bytes}; the partial file was removed`, { code: 'size_mismatch', retryable: false });
  }
  const sha256 = hash.digest('hex');
  if (expectedSha && sha256 !== expectedSha) {
    await rm(part, { force: true });
    throw new DownloadError(`sha256 mismatch for ${dest}: expected ${expectedSha}, got ${sha256}; the partial file was removed`, { code: 'sha256_mismatch', retryable: false });
  }
  await rename(part, dest);
  return { path: dest, bytes, sha256, sha256Verified: !!expectedSha, resumed };
}

async function attempt(url: URL, dest: string, part: string, opts: DownloadOptions): Promise<DownloadResult> {
  const { signal } = opts;
  let offset = await fileSize(part);
  const ans = await request(url, opts.headers ?? {}, offset, signal);
  const { res } = ans;
  const expectedSha = opts.expectedSha256?.toLowerCase() ?? (isSha256(ans.linkedEtag) ? ans.linkedEtag : isSha256(ans.etag) ? ans.etag : undefined);
  let total: number | undefined;
  let append = false;

  if (res.status === 416) {
    await res.body?.cancel().catch(() => undefined);
    const m = /bytes \*\/(\d+)/.exec(res.headers.get('content-range') ?? '');
    const t = opts.expectedSize ?? ans.linkedSize ?? (m ? Number(m[1]) : undefined);
    if (offset > 0 && t !== undefined && offset === t) {
      // The part already holds the whole file: check it and finish.
      const hash = createHash('sha256');
      await hashFile(part, hash, signal);
      return finalize(part, dest, t, expectedSha, hash, true);
    }
    await rm(part, { force: true });
    throw new DownloadError(`server refused the resume range at byte ${offset} of ${showUrl(ans.url)}; restarting`, { code: 'range', status: 416, retryable: true });
  }
  if (res.status === 206) {
    const m = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== offset) {
      await res.body?.cancel().catch(() => undefined);
      await rm(part, { force: true });
      throw new DownloadError(`server answered an unexpected range (${res.headers.get('content-range') ?? 'none'}) for byte ${offset}; restarting`, { code: 'range', status: 206, retryable: true });
    }
    append = true;
    if (m[3] !== '*') total = Number(m[3]);
    else if (res.headers.get('content-length')) total = offset + Number(res.headers.get('content-length'));
  } else if (res.status === 200) {
    offset = 0; // the server ignored the range (or there was none): start over
    const cl = res.headers.get('content-length');
    if (cl && /^\d+$/.test(cl)) total = Number(cl);
  } else {
    await res.body?.cancel().catch(() => undefined);
    const retryable = res.status === 429 || res.status >= 500;
    const hint = res.status === 401 || res.status === 403
      ? ' (a gated or private repository needs HF_TOKEN set to a token with access)'
      : res.status === 404 ? ' (check the repository, revision and file name)' : '';
    throw new DownloadError(`HTTP ${res.status} ${res.statusText} for ${showUrl(ans.url)}${hint}`, { code: 'http', status: res.status, retryable });
  }

  const expectedSize = opts.expectedSize ?? ans.linkedSize ?? total;
  const hash = createHash('sha256');
  if (append) await hashFile(part, hash, signal);
  let received = offset;
  const report = (): void => opts.onProgress?.({ received, total: expectedSize, resumedFrom: offset });
  report();
  if (!res.body) throw new DownloadError(`empty response body from ${showUrl(ans.url)}`, { code: 'network', retryable: true });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      received += chunk.length;
      report();
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), counter,
      createWriteStream(part, { flags: append ? 'a' : 'w' }), { signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const cause = (err as Error & { cause?: Error }).cause;
    throw new DownloadError(`connection lost after ${received} bytes of ${showUrl(ans.url)}: ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`, { code: 'network', retryable: true, cause: err });
  }
  return finalize(part, dest, expectedSize, expectedSha, hash, offset > 0);
}

/**
 * Download `url` to `dest` through `dest + '.part'`. An existing .part is resumed with a
 * Range request (appended on 206, restarted on 200). Retries dropped connections and 5xx/429.
 * Throws DownloadError; on abort, throws the signal's reason and keeps the .part for later.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  const retries = opts.retries ?? 3;
  const delay = opts.retryDelayMs ?? 1000;
  const u = new URL(url);
  for (let n = 0; ; n++) {
    try {
      return await attempt(u, dest, part, opts);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!(err instanceof DownloadError) || !err.retryable || n >= retries) throw err;
      await sleep(delay * (n + 1), undefined, { signal: opts.signal });
    }
  }
}
