/**
 * OpenAI chat completions and image generation, over plain fetch. Also the body-building and
 * response-parsing code that Azure OpenAI and any OpenAI-compatible server (vLLM, LM Studio,
 * llama.cpp server...) share.
 *
 * Environment, read as the official openai SDK reads it: OPENAI_API_KEY, OPENAI_BASE_URL
 * (replaces https://api.openai.com/v1; a trailing slash is fine), OPENAI_ORG_ID and
 * OPENAI_PROJECT_ID (OPENAI_PROJECT is accepted too) as OpenAI-Organization / OpenAI-Project headers.
 */
import {
  ProviderError,
  UserInputError,
  type ChatMessage,
  type ChatParams,
  type ChatProvider,
  type ChatResult,
  type Env,
  type FinishReason,
  type ImageParams,
  type ImageProvider,
  type ImageResult,
  type ModelSpec,
  type ProviderFactory,
  type ProviderOptions,
} from './types.js';
import {
  checkBaseUrl,
  envVar,
  httpRequest,
  joinUrl,
  malformed,
  parseJsonBody,
  statusError,
  tryParseJson,
  type HttpRequest,
  type HttpResponse,
} from './http.js';
import { imageUrl, partsOf, sniffImageType, usageOf } from './content.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIConfig {
  baseUrl: string;
  apiKey?: string;
  headers: Record<string, string>;
  /** True when OPENAI_BASE_URL points somewhere other than api.openai.com. */
  custom: boolean;
}

/** Resolve base URL, key and headers from the environment; a missing key for api.openai.com is a UserInputError. */
export function openAIConfig(env: Env): OpenAIConfig {
  const baseUrl = checkBaseUrl('OPENAI_BASE_URL', envVar(env, 'OPENAI_BASE_URL') ?? OPENAI_DEFAULT_BASE_URL);
  const custom = baseUrl.replace(/\/+$/, '') !== OPENAI_DEFAULT_BASE_URL;
  const apiKey = envVar(env, 'OPENAI_API_KEY');
  if (!apiKey && !custom) {
    throw new UserInputError(
      'openai: OPENAI_API_KEY is not set. Set it (export OPENAI_API_KEY=sk-...), or point OPENAI_BASE_URL at an OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1 for vLLM), where no key is needed.',
    );
  }
  const headers: Record<string, string> = {};
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const org = envVar(env, 'OPENAI_ORG_ID');
  if (org) headers['openai-organization'] = org;
  const project = envVar(env, 'OPENAI_PROJECT_ID') ?? envVar(env, 'OPENAI_PROJECT');
  if (project) headers['openai-project'] = project;
  return { baseUrl, apiKey, headers, custom };
}

/** Reasoning models (o1, o3, o4-mini, gpt-5...) reject max_tokens and want max_completion_tokens. */
export function usesMaxCompletionTokens(model: string): boolean {
  return /^(o\d|gpt-5)/i.test(model);
}

/** The messages array in the chat-completions shape: real roles, image parts as image_url. */
export function openAIMessages(messages: ChatMessage[], provider: string): unknown[] {
  return messages.map((m) => {
    if (typeof m.content === 'string') return { role: m.role, content: m.content };
    const content = partsOf(m.content).map((p) =>
      p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: imageUrl(p, provider) } },
    );
    return { role: m.role, content };
  });
}

/** The chat-completions request body. `model` may be omitted (Azure puts the deployment in the URL). */
export function openAIChatBody(
  model: string | undefined,
  messages: ChatMessage[],
  params: ChatParams,
  opts: { provider: string; maxTokensField?: 'max_tokens' | 'max_completion_tokens' },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (model !== undefined) body.model = model;
  body.messages = openAIMessages(messages, opts.provider);
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.maxTokens !== undefined) body[opts.maxTokensField ?? 'max_tokens'] = params.maxTokens;
  if (params.topP !== undefined) body.top_p = params.topP;
  if (params.seed !== undefined) body.seed = params.seed;
  if (params.json) body.response_format = { type: 'json_object' };
  return body;
}

const POLICY_ERROR_CODES = new Set(['content_filter', 'content_policy_violation']);

/**
 * When a 4xx error body is a policy block (OpenAI content_policy_violation, Azure content_filter
 * with its innererror, a flagged prompt), the detail to record; otherwise undefined.
 */
export function openAIPolicyError(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const e = (json as Record<string, unknown>).error;
  if (!e || typeof e !== 'object') return undefined;
  const err = e as Record<string, unknown>;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : '';
  const inner = err.innererror && typeof err.innererror === 'object' ? (err.innererror as Record<string, unknown>) : undefined;
  const innerCode = typeof inner?.code === 'string' ? inner.code : undefined;
  const flaggedPrompt = code === 'invalid_prompt' && /usage polic|flagged/i.test(message);
  if (!(code && POLICY_ERROR_CODES.has(code)) && innerCode !== 'ResponsibleAIPolicyViolation' && !flaggedPrompt) return undefined;
  const parts = [code ?? innerCode ?? 'policy'];
  if (message) parts.push(message);
  const filtered = filteredCategories(inner?.content_filter_result);
  if (filtered) parts.push(`filtered: ${filtered}`);
  return parts.join(': ');
}

/** Azure content_filter_result(s) → "hate(high), violence(medium)" for the categories that were filtered. */
function filteredCategories(results: unknown): string | undefined {
  if (!results || typeof results !== 'object') return undefined;
  const out: string[] = [];
  for (const [name, r] of Object.entries(results as Record<string, unknown>)) {
    if (r && typeof r === 'object' && (r as Record<string, unknown>).filtered === true) {
      const sev = (r as Record<string, unknown>).severity;
      out.push(typeof sev === 'string' ? `${name}(${sev})` : name);
    }
  }
  return out.length ? out.join(', ') : undefined;
}

function mapFinish(reason: unknown): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn':
    case 'eos':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'content_filter':
      return 'policy';
    default:
      return 'other';
  }
}

/** Parse a chat-completions response body into a ChatResult. */
export function parseOpenAIChat(req: Pick<HttpRequest, 'provider'>, json: Record<string, unknown>, latencyMs: number): ChatResult {
  const choices = json.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw malformed(req, 'no choices in the response');
  const choice = choices[0] as Record<string, unknown> | null;
  if (!choice || typeof choice !== 'object') throw malformed(req, 'the first choice is not an object');
  const message = (choice.message ?? {}) as Record<string, unknown>;
  const u = (json.usage ?? {}) as Record<string, unknown>;
  const usage = usageOf(u.prompt_tokens, u.completion_tokens);
  const refusal = typeof message.refusal === 'string' ? message.refusal : undefined;
  const content = contentText(message.content);
  if (refusal !== undefined) {
    return { text: refusal, finishReason: 'policy', policyDetail: `refusal: ${refusal}`, usage, latencyMs };
  }
  const finishReason = mapFinish(choice.finish_reason);
  if (finishReason === 'policy') {
    const filtered = filteredCategories(choice.content_filter_results);
    return {
      text: '',
      finishReason,
      policyDetail: filtered ? `content_filter: ${filtered}` : 'content_filter',
      usage,
      latencyMs,
    };
  }
  if (content === undefined && choice.finish_reason == null) throw malformed(req, 'the first choice has neither content nor finish_reason');
  const result: ChatResult = { text: content ?? '', finishReason, latencyMs };
  if (usage) result.usage = usage;
  return result;
}

/** message.content as text: a string, or (some compatible servers) a list of text parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as Record<string, unknown>).text === 'string' ? ((p as Record<string, unknown>).text as string) : ''))
      .join('');
  }
  return undefined;
}

/**
 * POST a chat-completions body and return the ChatResult: 2xx parsed, a policy 4xx turned into a
 * 'policy' result, every other failure a ProviderError. Shared by openai: and azure:.
 */
export async function openAICompatibleChat(req: HttpRequest, hint401: string): Promise<ChatResult> {
  const res = await httpRequest(req);
  if (res.status < 200 || res.status >= 300) {
    const policy = res.status === 400 ? openAIPolicyError(tryParseJson(res.text)) : undefined;
    if (policy !== undefined) return { text: '', finishReason: 'policy', policyDetail: policy, latencyMs: res.latencyMs };
    throw statusError(req, res, { hint: res.status === 401 || res.status === 403 ? hint401 : res.status === 404 ? 'check the model or deployment name' : undefined });
  }
  return parseOpenAIChat(req, parseJsonBody(req, res), res.latencyMs);
}

class OpenAIChat implements ChatProvider {
  readonly kind = 'chat' as const;
  private readonly cfg: OpenAIConfig;
  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly opts: ProviderOptions,
  ) {
    this.cfg = openAIConfig(opts.env);
  }

  async chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    const maxTokensField = !this.cfg.custom && usesMaxCompletionTokens(this.model) ? 'max_completion_tokens' : 'max_tokens';
    const req: HttpRequest = {
      provider: 'openai',
      url: joinUrl(this.cfg.baseUrl, '/chat/completions'),
      headers: this.cfg.headers,
      body: openAIChatBody(this.model, messages, params, { provider: 'openai', maxTokensField }),
      signal,
      timeoutMs: this.opts.timeoutMs,
      secrets: [this.cfg.apiKey],
    };
    return openAICompatibleChat(req, 'check OPENAI_API_KEY');
  }
}

class OpenAIImage implements ImageProvider {
  readonly kind = 'image' as const;
  private readonly cfg: OpenAIConfig;
  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly opts: ProviderOptions,
  ) {
    this.cfg = openAIConfig(opts.env);
  }

  async image(prompt: string, params: ImageParams, signal: AbortSignal): Promise<ImageResult> {
    const body: Record<string, unknown> = { model: this.model, prompt, n: params.n ?? 1 };
    if (params.size) body.size = params.size;
    // gpt-image-* always answers in base64 and rejects response_format; dall-e-* and compatible servers need it.
    if (!/^gpt-image/i.test(this.model)) body.response_format = 'b64_json';
    // The OpenAI API has no image seed; compatible local servers often do.
    if (params.seed !== undefined && this.cfg.custom) body.seed = params.seed;
    const req: HttpRequest = {
      provider: 'openai-image',
      url: joinUrl(this.cfg.baseUrl, '/images/generations'),
      headers: this.cfg.headers,
      body,
      signal,
      timeoutMs: this.opts.timeoutMs,
      secrets: [this.cfg.apiKey],
    };
    const res = await httpRequest(req);
    if (res.status < 200 || res.status >= 300) {
      const policy = res.status === 400 ? openAIPolicyError(tryParseJson(res.text)) : undefined;
      if (policy !== undefined) return { images: [], finishReason: 'policy', policyDetail: policy, latencyMs: res.latencyMs };
      throw statusError(req, res, { hint: res.status === 401 ? 'check OPENAI_API_KEY' : undefined });
    }
    return parseImages(req, res, signal);
  }
}

async function parseImages(req: HttpRequest, res: HttpResponse, signal: AbortSignal): Promise<ImageResult> {
  const json = parseJsonBody(req, res);
  const data = json.data;
  if (!Array.isArray(data) || data.length === 0) throw malformed(req, 'no images in the response');
  const fmt = typeof json.output_format === 'string' ? `image/${json.output_format === 'jpg' ? 'jpeg' : json.output_format}` : undefined;
  const images: ImageResult['images'] = [];
  let latencyMs = res.latencyMs;
  for (const item of data as Record<string, unknown>[]) {
    if (item && typeof item.b64_json === 'string') {
      const bytes = new Uint8Array(Buffer.from(item.b64_json, 'base64'));
      if (bytes.length === 0) throw malformed(req, 'an image is empty');
      images.push({ mediaType: sniffImageType(bytes, fmt), data: bytes });
    } else if (item && typeof item.url === 'string') {
      const started = performance.now();
      const got = await fetchBytes(item.url, req, signal);
      latencyMs += performance.now() - started;
      images.push({ mediaType: sniffImageType(got, fmt), data: got });
    } else {
      throw malformed(req, 'an image has neither b64_json nor url');
    }
  }
  return { images, finishReason: 'stop', latencyMs };
}

async function fetchBytes(url: string, req: HttpRequest, signal: AbortSignal): Promise<Uint8Array> {
  try {
    const r = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(req.timeoutMs ?? 60_000)]) });
    if (!r.ok) throw new ProviderError(`${req.provider}: HTTP ${r.status} downloading a generated image`, { retryable: r.status >= 500, status: r.status });
    return new Uint8Array(await r.arrayBuffer());
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(`${req.provider}: could not download a generated image`, { retryable: true, code: 'network' });
  }
}

function requireName(spec: ModelSpec, example: string): string {
  if (!spec.name.trim()) throw new UserInputError(`${spec.prefix}: no model name in "${spec.raw}"; e.g. ${example}`);
  return spec.name.trim();
}

export const openaiFactory: ProviderFactory = {
  prefix: 'openai',
  kind: 'chat',
  description: 'OpenAI chat completions, or any OpenAI-compatible server via OPENAI_BASE_URL (vLLM, LM Studio, llama.cpp server)',
  env: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    return new OpenAIChat(spec.raw, requireName(spec, 'openai:gpt-4o-mini'), opts);
  },
};

export const openaiImageFactory: ProviderFactory = {
  prefix: 'openai-image',
  kind: 'image',
  description: 'OpenAI image generation (POST /images/generations), or a compatible server via OPENAI_BASE_URL',
  env: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID'],
  create(spec: ModelSpec, opts: ProviderOptions): ImageProvider {
    return new OpenAIImage(spec.raw, requireName(spec, 'openai-image:dall-e-3'), opts);
  },
};
