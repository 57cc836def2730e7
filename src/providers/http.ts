/**
 * The one HTTP call every HTTP provider makes: node:http(s) with keep-alive, a per-request timeout combined
 * with the engine's AbortSignal, retryable-or-not classification of every failure, and error
 * messages that never carry an API key or an auth header.
 */
import http from 'node:http';
import https from 'node:https';
import { ProviderError, UserInputError } from './types.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** HTTP statuses worth trying again (the rest of 4xx is the caller's fault and will not change). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

export interface HttpRequest {
  /** Provider name for messages, e.g. 'openai'. */
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string | undefined>;
  /** Serialised as JSON when given. */
  body?: unknown;
  signal?: AbortSignal;
  /** Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Values (API keys, tokens) scrubbed from every error message. */
  secrets?: (string | undefined)[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The whole body as text. */
  text: string;
  /** From sending the request to having read the whole body. */
  latencyMs: number;
}

/**
 * Send one request and read its whole body. Resolves for every HTTP status (callers decide what
 * a 4xx means for them, see statusError); throws ProviderError for timeout ('timeout', retryable),
 * network failure ('network', retryable), a body cut off mid-way ('malformed_response', retryable)
 * and an abort by the caller's signal ('aborted', not retryable).
 */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outer = req.signal;
  if (outer?.aborted) throw abortedError(req);

  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  const onAbort = (): void => ctrl.abort();
  outer?.addEventListener('abort', onAbort, { once: true });

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k] = v;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }

  const started = performance.now();
  const progress = { stage: 'connect' as 'connect' | 'body' };
  try {
    const res = await send(req.url, req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, ctrl.signal, () => { progress.stage = 'body'; });
    return { status: res.status, headers: res.headers, text: res.text, latencyMs: performance.now() - started };
  } catch (err) {
    if (timedOut) {
      throw new ProviderError(`${req.provider}: no complete response within ${timeoutMs} ms (${describeUrl(req.url)})`, {
        retryable: true,
        code: 'timeout',
      });
    }
    if (outer?.aborted) throw abortedError(req);
    const detail = redact(errorText(err), req.secrets);
    if (progress.stage === 'body') {
      throw new ProviderError(`${req.provider}: the response body was cut off (${detail})`, {
        retryable: true,
        code: 'malformed_response',
      });
    }
    throw new ProviderError(`${req.provider}: network error calling ${describeUrl(req.url)}: ${detail}`, {
      retryable: true,
      code: 'network',
    });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

// Keep-alive agents shared by every provider: node:http costs a fraction of fetch's CPU per request
// (no web streams), which matters at thousands of calls per run.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });

/** One request over node:http(s); resolves with the whole body, rejects on a network error or a body cut short. */
function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, onHeaders: () => void): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error(`invalid URL ${describeUrl(url)}`));
      return;
    }
    const lib = u.protocol === 'https:' ? https : http;
    const r = lib.request(u, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: u.protocol === 'https:' ? httpsAgent : httpAgent, signal }, (res) => {
      onHeaders();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the connection closed before the whole body arrived')));
      res.on('end', () => {
        if (!res.complete) {
          reject(new Error('the connection closed before the whole body arrived'));
          return;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          if (Array.isArray(v)) for (const x of v) h.append(k, x);
          else h.set(k, v);
        }
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

function abortedError(req: HttpRequest): ProviderError {
  return new ProviderError(`${req.provider}: request aborted`, { retryable: false, code: 'aborted' });
}

/** Scheme, host and path only: never a query string (which could hold a key). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  let cause: unknown = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause && depth < 3; depth++) {
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${code}: ${cause.message}` : cause.message);
      cause = (cause as { cause?: unknown }).cause;
    } else {
      parts.push(String(cause));
      break;
    }
  }
  return [...new Set(parts.filter(Boolean))].join(': ');
}

/** Patterns of well-known secret formats, scrubbed even when the caller did not list them. */
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_\-*]{6,}/g, // OpenAI, Anthropic (sk-ant-...)
  /\bAIza[0-9A-Za-z_\-]{20,}/g, // Google API keys
  /(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+/gi,
  /([?&](?:key|api[-_]?key|token)=)[^&\s"']+/gi,
];

/** Remove the given secrets and anything that looks like a key from a text. */
export function redact(text: string, secrets?: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets ?? []) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  out = out.replace(SECRET_PATTERNS[0], '***').replace(SECRET_PATTERNS[1], '***');
  out = out.replace(SECRET_PATTERNS[2], (_m, scheme: string) => `${scheme} ***`);
  out = out.replace(SECRET_PATTERNS[3], (_m, prefix: string) => `${prefix}***`);
  return out;
}

/**
 * Retry-After in ms from `retry-after-ms` (preferred, as the OpenAI and Anthropic SDKs do) or
 * `retry-after` given as seconds or an HTTP date. Undefined when absent or unparseable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A body parsed as JSON, or undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The body of a 2xx response as a JSON object; anything else is a retryable 'malformed_response'. */
export function parseJsonBody(req: HttpRequest, res: HttpResponse): Record<string, unknown> {
  const json = tryParseJson(res.text);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw malformed(req, `the response is not a JSON object (HTTP ${res.status}, ${res.text.length} bytes: ${excerpt(res.text, req.secrets)})`);
  }
  return json as Record<string, unknown>;
}

export function malformed(req: Pick<HttpRequest, 'provider'>, why: string): ProviderError {
  return new ProviderError(`${req.provider}: malformed response: ${why}`, { retryable: true, code: 'malformed_response' });
}

/** A short, single-line, redacted excerpt of a body. */
export function excerpt(text: string, secrets?: (string | undefined)[], max = 300): string {
  const flat = redact(text, secrets).replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The vendor's own error message from a JSON error body, when it has one. */
export function vendorErrorMessage(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  const e = o.error;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const m = (e as Record<string, unknown>).message;
    if (typeof m === 'string') return m;
  }
  if (typeof o.message === 'string') return o.message;
  return undefined;
}

/**
 * The ProviderError for a non-2xx response: retryable per RETRYABLE_STATUSES, with the server's
 * Retry-After, the status and a redacted excerpt of the body. `hint` is appended (e.g. which
 * environment variable to check on a 401).
 */
export function statusError(req: HttpRequest, res: HttpResponse, opts: { hint?: string; retryAfterMs?: number } = {}): ProviderError {
  const json = tryParseJson(res.text);
  const vendor = vendorErrorMessage(json);
  const detail = vendor !== undefined ? excerpt(vendor, req.secrets) : excerpt(res.text, req.secrets);
  const retryable = RETRYABLE_STATUSES.has(res.status);
  const retryAfterMs = parseRetryAfter(res.headers) ?? opts.retryAfterMs;
  let message = `${req.provider}: HTTP ${res.status} from ${describeUrl(req.url)}: ${detail}`;
  if (opts.hint) message += ` (${opts.hint})`;
  return new ProviderError(redact(message, req.secrets), { retryable, status: res.status, retryAfterMs, code: `http_${res.status}` });
}

/** Base64 of bytes without copying through a string. */
export function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Join a base URL and a path the way the OpenAI SDK does: one slash between them, a trailing slash tolerated. */
export function joinUrl(base: string, path: string): string {
  const b = base.trim();
  if (b.endsWith('/') && path.startsWith('/')) return b + path.slice(1);
  if (!b.endsWith('/') && !path.startsWith('/')) return `${b}/${path}`;
  return b + path;
}

/** A base URL from the environment must be http(s); anything else is the user's to fix, not a network error. */
export function checkBaseUrl(variable: string, value: string): string {
  let ok = false;
  try {
    const u = new URL(value);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw new UserInputError(`${variable} must be an http:// or https:// URL (got "${value}"), e.g. http://127.0.0.1:8000/v1`);
  return value;
}

/** An environment variable trimmed, with '' read as unset (as the vendor SDKs do). */
export function envVar(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}
