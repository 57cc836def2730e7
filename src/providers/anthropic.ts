/**
 * Anthropic Messages API: anthropic:MODEL.
 * POST {ANTHROPIC_BASE_URL or https://api.anthropic.com}/v1/messages with x-api-key
 * (ANTHROPIC_API_KEY; or Authorization: Bearer ANTHROPIC_AUTH_TOKEN) and anthropic-version 2023-06-01.
 * System messages go to the top-level `system`; the rest keep their roles, consecutive same-role
 * messages merged. stop_reason 'refusal' is a 'policy' result. The API has no seed and no JSON
 * mode: those params are not sent.
 */
import {
  ProviderError,
  UserInputError,
  type ChatMessage,
  type ChatParams,
  type ChatProvider,
  type ChatResult,
  type FinishReason,
  type ModelSpec,
  type ProviderFactory,
  type ProviderOptions,
} from './types.js';
import { checkBaseUrl, envVar, httpRequest, joinUrl, malformed, parseJsonBody, statusError, type HttpRequest } from './http.js';
import { imageBase64, splitSystemAndMerge, usageOf } from './content.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** The Messages API request body. */
export function anthropicBody(model: string, messages: ChatMessage[], params: ChatParams): Record<string, unknown> {
  const { system, turns } = splitSystemAndMerge(messages);
  if (turns.length === 0) {
    throw new ProviderError('anthropic: the Messages API needs at least one user or assistant message', { retryable: false, code: 'invalid_input' });
  }
  const body: Record<string, unknown> = {
    model,
    max_tokens: params.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
  };
  if (system !== undefined) body.system = system;
  body.messages = turns.map((t) => {
    if (t.parts.length === 1 && t.parts[0].type === 'text') return { role: t.role, content: t.parts[0].text };
    return {
      role: t.role,
      content: t.parts.map((p) => {
        if (p.type === 'text') return { type: 'text', text: p.text };
        if (!p.data && p.url && !p.url.startsWith('data:')) return { type: 'image', source: { type: 'url', url: p.url } };
        return { type: 'image', source: { type: 'base64', media_type: p.mediaType, data: imageBase64(p, 'anthropic') } };
      }),
    };
  });
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.topP !== undefined) body.top_p = params.topP;
  return body;
}

function mapStop(reason: unknown): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'policy';
    default:
      return 'other';
  }
}

export function parseAnthropic(req: Pick<HttpRequest, 'provider'>, json: Record<string, unknown>, latencyMs: number): ChatResult {
  if (json.type === 'error') throw malformed(req, 'an error object with a 2xx status');
  const content = json.content;
  if (!Array.isArray(content)) throw malformed(req, 'no content array in the response');
  const text = content
    .filter((b): b is { type: 'text'; text: string } => !!b && typeof b === 'object' && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('');
  const u = (json.usage ?? {}) as Record<string, unknown>;
  const usage = usageOf(u.input_tokens, u.output_tokens);
  const finishReason = mapStop(json.stop_reason);
  const result: ChatResult = { text, finishReason, latencyMs };
  if (finishReason === 'policy') result.policyDetail = `stop_reason refusal${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (usage) result.usage = usage;
  return result;
}

class AnthropicChat implements ChatProvider {
  readonly kind = 'chat' as const;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: (string | undefined)[];
  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly opts: ProviderOptions,
  ) {
    const env = opts.env;
    const base = checkBaseUrl('ANTHROPIC_BASE_URL', envVar(env, 'ANTHROPIC_BASE_URL') ?? ANTHROPIC_DEFAULT_BASE_URL);
    const custom = base.replace(/\/+$/, '') !== ANTHROPIC_DEFAULT_BASE_URL;
    const apiKey = envVar(env, 'ANTHROPIC_API_KEY');
    const authToken = envVar(env, 'ANTHROPIC_AUTH_TOKEN');
    if (!apiKey && !authToken && !custom) {
      throw new UserInputError('anthropic: ANTHROPIC_API_KEY is not set. Set it (export ANTHROPIC_API_KEY=sk-ant-...), or point ANTHROPIC_BASE_URL at a compatible server.');
    }
    this.url = joinUrl(base, '/v1/messages');
    this.headers = { 'anthropic-version': ANTHROPIC_VERSION };
    if (apiKey) this.headers['x-api-key'] = apiKey;
    else if (authToken) this.headers.authorization = `Bearer ${authToken}`;
    this.secrets = [apiKey, authToken];
  }

  async chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    const req: HttpRequest = {
      provider: 'anthropic',
      url: this.url,
      headers: this.headers,
      body: anthropicBody(this.model, messages, params),
      signal,
      timeoutMs: this.opts.timeoutMs,
      secrets: this.secrets,
    };
    const res = await httpRequest(req);
    if (res.status < 200 || res.status >= 300) {
      throw statusError(req, res, { hint: res.status === 401 || res.status === 403 ? 'check ANTHROPIC_API_KEY' : res.status === 404 ? 'check the model name' : undefined });
    }
    return parseAnthropic(req, parseJsonBody(req, res), res.latencyMs);
  }
}

export const anthropicFactory: ProviderFactory = {
  prefix: 'anthropic',
  kind: 'chat',
  description: 'Anthropic Messages API (Claude models)',
  env: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    const model = spec.name.trim();
    if (!model) throw new UserInputError(`anthropic: no model name in "${spec.raw}"; e.g. anthropic:claude-3-5-haiku-latest`);
    return new AnthropicChat(spec.raw, model, opts);
  },
};
