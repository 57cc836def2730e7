/**
 * Ollama native API: ollama:MODEL (e.g. ollama:llama3:8b).
 * POST {OLLAMA_HOST or http://127.0.0.1:11434}/api/chat with stream:false. OLLAMA_HOST is read
 * as Ollama reads it ("host", "host:port", "http://host:port", a bind-all address means this machine).
 */
import {
  UserInputError,
  type ChatMessage,
  type ChatParams,
  type ChatProvider,
  type ChatResult,
  type Env,
  type FinishReason,
  type ModelSpec,
  type ProviderFactory,
  type ProviderOptions,
} from './types.js';
import { httpRequest, joinUrl, malformed, parseJsonBody, statusError, tryParseJson, type HttpRequest } from './http.js';
import { imageBase64, partsOf, usageOf } from './content.js';

export const OLLAMA_DEFAULT_PORT = '11434';

/** The base URL (no trailing slash) to reach Ollama at, from OLLAMA_HOST. */
export function ollamaBaseUrl(env: Env): string {
  const raw = (env.OLLAMA_HOST ?? '').trim();
  let scheme = 'http';
  let rest = raw;
  let defaultPort = OLLAMA_DEFAULT_PORT;
  const sep = raw.indexOf('://');
  if (sep >= 0) {
    scheme = raw.slice(0, sep).toLowerCase();
    rest = raw.slice(sep + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  }
  const slash = rest.indexOf('/');
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  const hostport = slash >= 0 ? rest.slice(0, slash) : rest;
  let host = '';
  let port = '';
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracket) {
    host = bracket[1];
    port = bracket[2] ?? '';
  } else if ((hostport.match(/:/g) ?? []).length === 1) {
    [host, port] = hostport.split(':');
  } else {
    host = hostport; // a bare host, or a bare IPv6 address
  }
  if (!port || !/^\d+$/.test(port) || Number(port) > 65535) port = defaultPort;
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0') host = '127.0.0.1';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${hostPart}:${port}${path}`;
}

export function ollamaBody(model: string, messages: ChatMessage[], params: ChatParams): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: messages.map((m) => {
      const parts = partsOf(m.content);
      const text = parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('\n');
      const images = parts.filter((p) => p.type === 'image').map((p) => imageBase64(p as Extract<typeof p, { type: 'image' }>, 'ollama'));
      const out: Record<string, unknown> = { role: m.role, content: text };
      if (images.length) out.images = images;
      return out;
    }),
    stream: false,
  };
  const options: Record<string, unknown> = {};
  if (params.temperature !== undefined) options.temperature = params.temperature;
  if (params.maxTokens !== undefined) options.num_predict = params.maxTokens;
  if (params.topP !== undefined) options.top_p = params.topP;
  if (params.seed !== undefined) options.seed = params.seed;
  if (Object.keys(options).length) body.options = options;
  if (params.json) body.format = 'json';
  return body;
}

function mapDone(reason: unknown): FinishReason {
  if (reason === 'stop' || reason === undefined) return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

export function parseOllama(req: Pick<HttpRequest, 'provider'>, json: Record<string, unknown>, latencyMs: number): ChatResult {
  if (typeof json.error === 'string') throw malformed(req, `an error with a 2xx status: ${json.error.slice(0, 200)}`);
  const message = json.message as Record<string, unknown> | undefined;
  if (!message || typeof message !== 'object' || typeof message.content !== 'string') throw malformed(req, 'no message.content in the response');
  if (json.done === false) throw malformed(req, 'done is false in a non-streaming response');
  const result: ChatResult = { text: message.content, finishReason: mapDone(json.done_reason), latencyMs };
  const usage = usageOf(json.prompt_eval_count, json.eval_count);
  if (usage) result.usage = usage;
  return result;
}

class OllamaChat implements ChatProvider {
  readonly kind = 'chat' as const;
  private readonly url: string;
  /**
   * Ollama serves OLLAMA_NUM_PARALLEL requests per model at once (4 by default when memory allows)
   * and queues the rest, where they would eat into each request's timeout.
   */
  readonly maxConcurrency: number;
  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly opts: ProviderOptions,
  ) {
    this.url = joinUrl(ollamaBaseUrl(opts.env), '/api/chat');
    const parallel = Number(opts.env.OLLAMA_NUM_PARALLEL);
    this.maxConcurrency = Number.isInteger(parallel) && parallel > 0 ? parallel : 4;
  }

  async chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    const req: HttpRequest = {
      provider: 'ollama',
      url: this.url,
      body: ollamaBody(this.model, messages, params),
      signal,
      timeoutMs: this.opts.timeoutMs,
    };
    let res;
    try {
      res = await httpRequest(req);
    } catch (err) {
      if (err instanceof Error && (err as { code?: string }).code === 'network') {
        err.message += ' (is Ollama running? start it with `ollama serve`, or set OLLAMA_HOST)';
      }
      throw err;
    }
    if (res.status < 200 || res.status >= 300) {
      const msg = (tryParseJson(res.text) as { error?: unknown } | undefined)?.error;
      const notFound = res.status === 404 && typeof msg === 'string' && /not found/i.test(msg);
      throw statusError(req, res, { hint: notFound ? `pull it first: ollama pull ${this.model}` : undefined });
    }
    return parseOllama(req, parseJsonBody(req, res), res.latencyMs);
  }
}

/**
 * The names of the models a local Ollama has (GET /api/tags), or null when none answers
 * within timeoutMs.
 */
export async function detectOllama(env: Env, timeoutMs = 500): Promise<string[] | null> {
  try {
    const res = await httpRequest({ provider: 'ollama', url: joinUrl(ollamaBaseUrl(env), '/api/tags'), method: 'GET', timeoutMs });
    if (res.status !== 200) return null;
    const json = tryParseJson(res.text) as { models?: { name?: unknown; model?: unknown }[] } | undefined;
    if (!json || !Array.isArray(json.models)) return null;
    return json.models.map((m) => (typeof m?.name === 'string' ? m.name : typeof m?.model === 'string' ? m.model : '')).filter(Boolean);
  } catch {
    return null;
  }
}

export const ollamaFactory: ProviderFactory = {
  prefix: 'ollama',
  kind: 'chat',
  description: 'A local Ollama server (native /api/chat), e.g. ollama:llama3.2:3b',
  env: ['OLLAMA_HOST', 'OLLAMA_NUM_PARALLEL'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    const model = spec.name.trim();
    if (!model) throw new UserInputError(`ollama: no model name in "${spec.raw}"; e.g. ollama:llama3.2:3b`);
    return new OllamaChat(spec.raw, model, opts);
  },
};
