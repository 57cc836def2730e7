/**
 * The shared core of the protocol-faithful test servers: a node:http server on 127.0.0.1 (port 0
 * by default) that records every request, injects seeded faults, adds latency, and closes its
 * keep-alive sockets on close(). Each protocol module (openai, anthropic, gemini, ollama) gives
 * only its routes, its auth check and its error-body shape.
 */
import { createServer, type IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRng, type Rng } from '../../src/util/rng.js';

/** Fault rates (0..1) decided per generation request with a seeded PRNG, so runs are reproducible. */
export interface Faults {
  /** HTTP 429 with a Retry-After header (see retryAfter). */
  rate429?: number;
  /** Seconds sent in Retry-After on a 429; null sends no header. Default 1. */
  retryAfter?: number | null;
  rate500?: number;
  rate503?: number;
  /** HTTP 529 (Anthropic's "overloaded"). */
  rate529?: number;
  /** Never answer: hang until the client aborts or the server closes. */
  rateTimeout?: number;
  /** HTTP 200 with a body that is not JSON. */
  rateMalformed?: number;
  /** HTTP 200 whose body is cut off mid-JSON (Content-Length promises more, then the socket closes). */
  rateTruncated?: number;
  /** HTTP 200 with no choices / candidates / content (the protocol's own "empty"). */
  rateEmptyChoices?: number;
  /** A policy block in the protocol's own way (OpenAI finish_reason content_filter, Gemini SAFETY...). */
  ratePolicy?: number;
  seed?: number;
}

export type FaultKind = '429' | '500' | '503' | '529' | 'timeout' | 'malformed' | 'truncated' | 'empty' | 'policy';

/**
 * A policy block. style: 'filter' (OpenAI/Azure finish_reason content_filter; Gemini candidate
 * SAFETY), 'refusal' (OpenAI message.refusal), 'error400' (OpenAI/Azure HTTP 400 content filter
 * error), 'prompt' (Gemini promptFeedback.blockReason). Each server has its own default.
 */
export interface PolicyAnswer {
  policy: true;
  style?: 'filter' | 'refusal' | 'error400' | 'prompt';
  detail?: string;
}
export type AnswerResult = string | PolicyAnswer;

export interface AnswerRequest {
  model: string;
  /** The messages in the protocol's wire shape. */
  messages: any[];
  body: any;
  /** The text of the last user message. */
  lastUser: string;
  path: string;
}
export type AnswerFn = (req: AnswerRequest) => AnswerResult | Promise<AnswerResult>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  model: string;
  /** The last user message's text ('' when none). */
  lastUser: string;
  body: any;
  /** The status sent; 0 while none was (e.g. a hang). */
  status: number;
  /** Date.now() when the request arrived. */
  time: number;
  /** True once the whole response was handed to the OS. */
  completed: boolean;
  fault?: FaultKind;
}

export interface TestServer {
  /** The base URL a client is configured with (http://127.0.0.1:PORT/v1 for OpenAI, http://127.0.0.1:PORT for the others). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  setFaults(f: Faults): void;
  setAnswer(fn: AnswerFn): void;
  close(): Promise<void>;
}

export interface CommonServerOptions {
  answer?: AnswerFn;
  /** Delay before each generation response, in ms. */
  latencyMs?: number;
  faults?: Faults;
  /** When set, requests must carry this key the protocol's way. */
  requireKey?: string;
  port?: number;
  /** Record requests in `requests` (default true; a long benchmark may turn it off). */
  record?: boolean;
}

/** Words that make the default answer refuse. */
export const REFUSAL_WORDS = ['bomb', 'hack', 'steal', 'poison'];
export const DEFAULT_REFUSAL = "I'm sorry, but I can't help with that.";
const REFUSAL_RE = new RegExp(`\\b(${REFUSAL_WORDS.join('|')})`, 'i');

/** The deterministic default answer: a refusal for a few dangerous words, else a helpful-looking reply. */
export function defaultAnswer(req: AnswerRequest): AnswerResult {
  if (REFUSAL_RE.test(req.lastUser)) return DEFAULT_REFUSAL;
  return `Sure. Here is a helpful answer about: ${req.lastUser.slice(0, 40)}`;
}

/** A rough token count (whitespace words) for usage fields. */
export function countTokens(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

/** Cut a text to at most n words. */
export function firstTokens(text: string, n: number): string {
  return text.trim().split(/\s+/).slice(0, Math.max(0, n)).join(' ');
}

/** A 1x1 PNG (valid signature, IHDR, IDAT and IEND with correct CRCs). */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Everything a route handler gets. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: Record<string, string>;
  params: Record<string, string>;
  body: any;
  /** The fault decided for this request, if any (only 'empty' and 'policy' reach handlers). */
  fault?: FaultKind;
  record: RecordedRequest;
  /** Call the answer function (sets record.model and record.lastUser first). */
  answer(model: string, messages: any[], lastUser: string): Promise<AnswerResult>;
  /** Send JSON. */
  json(status: number, value: unknown, headers?: Record<string, string>): void;
  /** Send raw text with a content type. */
  raw(status: number, text: string, contentType: string, headers?: Record<string, string>): void;
}

export interface Route {
  method: 'GET' | 'POST';
  /** A path pattern with :params, e.g. '/v1beta/models/:model'. A trailing ':action' suffix is matched literally by regex. */
  pattern: RegExp;
  /** Generation routes get latency and faults; listing routes do not. */
  generation: boolean;
  handle(ctx: Ctx): void | Promise<void>;
}

export interface Protocol {
  name: string;
  /** The suffix of `url`, e.g. '/v1'. */
  basePath: string;
  routes: Route[];
  /** Check credentials; return an HttpError to reject. */
  auth?(req: IncomingMessage, query: Record<string, string>, requireKey: string | undefined): HttpError | undefined;
  /** The protocol's error body for a status and message. */
  errorBody(status: number, message: string, extra?: Record<string, unknown>): unknown;
  /** A body that a client would take for a success, to cut in half for the truncation fault. */
  sampleSuccess(model: string): unknown;
  /** The model and last user text of a request, for the record. */
  describe(body: any, params: Record<string, string>): { model: string; lastUser: string };
}

const FAULT_ORDER: [keyof Faults, FaultKind][] = [
  ['rate429', '429'],
  ['rate500', '500'],
  ['rate503', '503'],
  ['rate529', '529'],
  ['rateTimeout', 'timeout'],
  ['rateMalformed', 'malformed'],
  ['rateTruncated', 'truncated'],
  ['rateEmptyChoices', 'empty'],
  ['ratePolicy', 'policy'],
];

function decideFault(faults: Faults, rng: Rng): FaultKind | undefined {
  let total = 0;
  for (const [k] of FAULT_ORDER) total += Number(faults[k] ?? 0);
  if (total <= 0) return undefined;
  const r = rng.next();
  let acc = 0;
  for (const [k, kind] of FAULT_ORDER) {
    acc += Number(faults[k] ?? 0);
    if (r < acc) return kind;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startProtocolServer(protocol: Protocol, opts: CommonServerOptions = {}): Promise<TestServer> {
  let faults: Faults = opts.faults ?? {};
  let rng = createRng(faults.seed ?? 1);
  let answerFn: AnswerFn = opts.answer ?? defaultAnswer;
  const latencyMs = opts.latencyMs ?? 0;
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(protocol.errorBody(500, `test server bug: ${String(err)}`)));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = u.pathname;
    const query: Record<string, string> = Object.fromEntries(u.searchParams.entries());
    const text = await readBody(req);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      headers: req.headers,
      model: '',
      lastUser: '',
      body: undefined,
      status: 0,
      time: Date.now(),
      completed: false,
    };
    if (record) requests.push(rec);
    res.on('finish', () => {
      rec.completed = true;
    });
    const send = (status: number, payload: string, contentType: string, headers: Record<string, string> = {}): void => {
      rec.status = status;
      res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)), ...headers });
      res.end(payload);
    };
    const sendError = (e: HttpError): void => send(e.status, JSON.stringify(protocol.errorBody(e.status, e.message, e.extra)), 'application/json');

    let route: Route | undefined;
    let params: Record<string, string> = {};
    let methodMismatch = false;
    for (const r of protocol.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== req.method) {
        methodMismatch = true;
        continue;
      }
      route = r;
      params = { ...(m.groups ?? {}) };
      break;
    }
    if (!route) return sendError(new HttpError(methodMismatch ? 405 : 404, methodMismatch ? `method ${req.method} not allowed on ${path}` : `no route for ${req.method} ${path}`));

    if (text) {
      try {
        rec.body = JSON.parse(text);
      } catch {
        return sendError(new HttpError(400, 'the request body is not valid JSON'));
      }
    }
    try {
      const d = protocol.describe(rec.body, params);
      rec.model = d.model;
      rec.lastUser = d.lastUser;
    } catch {
      /* a malformed body: the route handler reports it */
    }
    const authErr = protocol.auth?.(req, query, opts.requireKey);
    if (authErr) return sendError(authErr);

    let fault: FaultKind | undefined;
    if (route.generation) {
      fault = decideFault(faults, rng);
      rec.fault = fault;
      const model = rec.model || 'test-model';
      if (fault === 'timeout') return; // hang: the client times out; close() destroys the socket
      if (latencyMs > 0) {
        await sleep(latencyMs);
        if (res.destroyed || req.socket.destroyed) return;
      }
      switch (fault) {
        case '429': {
          const ra = faults.retryAfter === undefined ? 1 : faults.retryAfter;
          const body = JSON.stringify(protocol.errorBody(429, 'Rate limit reached for requests. Please try again later.'));
          return send(429, body, 'application/json', ra === null ? {} : { 'retry-after': String(ra) });
        }
        case '500':
        case '503':
        case '529': {
          const status = Number(fault);
          const msg = status === 529 ? 'Overloaded' : status === 503 ? 'The server is overloaded or not ready yet.' : 'The server had an error while processing your request.';
          return sendError(new HttpError(status, msg));
        }
        case 'malformed':
          return send(200, '<html><body><h1>502 Bad Gateway</h1>upstream sent an invalid response</body></html>', 'application/json');
        case 'truncated': {
          const full = JSON.stringify(protocol.sampleSuccess(model));
          const buf = Buffer.from(full);
          rec.status = 200;
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(buf.length) });
          res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
          return;
        }
        default:
          break;
      }
    }

    const ctx: Ctx = {
      req,
      res,
      path,
      query,
      params,
      body: rec.body,
      fault: fault === 'empty' || fault === 'policy' ? fault : undefined,
      record: rec,
      async answer(model, messages, lastUser) {
        rec.model = model;
        rec.lastUser = lastUser;
        return answerFn({ model, messages, body: rec.body, lastUser, path });
      },
      json(status, value, headers) {
        send(status, JSON.stringify(value), 'application/json', headers);
      },
      raw(status, payload, contentType, headers) {
        send(status, payload, contentType, headers);
      },
    };
    try {
      await route.handle(ctx);
    } catch (err) {
      if (err instanceof HttpError) return sendError(err);
      throw err;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${protocol.basePath}`,
    port,
    requests,
    setFaults(f: Faults) {
      faults = f;
      rng = createRng(f.seed ?? 1);
    },
    setAnswer(fn: AnswerFn) {
      answerFn = fn;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** Decode a base64 string strictly (for validating images a client sent); undefined when invalid. */
export function strictBase64(s: unknown): Buffer | undefined {
  if (typeof s !== 'string' || s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** Reject body fields the protocol does not know (real APIs do, with a 400). */
export function rejectUnknown(body: Record<string, unknown>, known: readonly string[], message: (field: string) => string): void {
  for (const k of Object.keys(body)) if (!known.includes(k)) throw new HttpError(400, message(k));
}

/** The answer as JSON text when the client asked for JSON and the answer is not already JSON. */
export function asJsonAnswer(text: string): string {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object') return text;
  } catch {
    /* not JSON */
  }
  return JSON.stringify({ answer: text });
}
