import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers for the viewer: JSON answers, a bounded JSON body reader, and the same-origin checks. */

export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); this.name = 'HttpError'; }
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The page may run only its own script and style files: no inline script, nothing from another origin. */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

export function sendStatic(res: ServerResponse, body: Buffer, contentType: string, isPage: boolean): void {
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': contentType,
    'Content-Length': body.length,
    ...(isPage ? { 'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'DENY' } : {}),
  });
  res.end(body);
}

const MAX_BODY = 64 * 1024;

/** Read a request's JSON body (at most 64 KiB); only `Content-Type: application/json` is accepted. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'expected Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body larger than 64 KiB');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
}

/**
 * The Host header a request must carry. On a loopback address only loopback names with the bound port are
 * accepted, so a page on another site cannot reach the viewer through a DNS name rebound to 127.0.0.1.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  if (!isLoopback(boundHost)) return true;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!m) return false;
  return isLoopback(m[1]) && Number(m[2] ?? 80) === port;
}

/** A mutating request is accepted only from a page of this same origin: its Origin must name the Host it was sent to. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && u.host === host.toLowerCase();
  } catch {
    return false;
  }
}
