/**
 * Google Gemini API: google:MODEL.
 * POST {GOOGLE_GEMINI_BASE_URL or https://generativelanguage.googleapis.com}/v1beta/models/{model}:generateContent
 * with x-goog-api-key. The key is read as the google-genai SDK reads it: GOOGLE_API_KEY takes
 * precedence over GEMINI_API_KEY when both are set.
 * A prompt block (promptFeedback.blockReason) or a candidate stopped for SAFETY, PROHIBITED_CONTENT,
 * BLOCKLIST, SPII or IMAGE_SAFETY is a 'policy' result; RECITATION is 'other'.
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
import { checkBaseUrl, envVar, httpRequest, joinUrl, malformed, parseJsonBody, statusError, tryParseJson, type HttpRequest } from './http.js';
import { imageBase64, splitSystemAndMerge, usageOf } from './content.js';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const GEMINI_API_VERSION = 'v1beta';

const POLICY_FINISH = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT']);

export function geminiBody(messages: ChatMessage[], params: ChatParams): Record<string, unknown> {
  const { system, turns } = splitSystemAndMerge(messages);
  if (turns.length === 0) {
    throw new ProviderError('google: generateContent needs at least one user or assistant message', { retryable: false, code: 'invalid_input' });
  }
  const body: Record<string, unknown> = {};
  if (system !== undefined) body.systemInstruction = { parts: [{ text: system }] };
  body.contents = turns.map((t) => ({
    role: t.role === 'assistant' ? 'model' : 'user',
    parts: t.parts.map((p) => {
      if (p.type === 'text') return { text: p.text };
      if (!p.data && p.url && !p.url.startsWith('data:')) return { fileData: { mimeType: p.mediaType, fileUri: p.url } };
      return { inlineData: { mimeType: p.mediaType, data: imageBase64(p, 'google') } };
    }),
  }));
  const gc: Record<string, unknown> = {};
  if (params.temperature !== undefined) gc.temperature = params.temperature;
  if (params.maxTokens !== undefined) gc.maxOutputTokens = params.maxTokens;
  if (params.topP !== undefined) gc.topP = params.topP;
  if (params.seed !== undefined) gc.seed = params.seed;
  if (params.json) gc.responseMimeType = 'application/json';
  if (Object.keys(gc).length) body.generationConfig = gc;
  return body;
}

function mapFinish(reason: unknown): FinishReason {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && POLICY_FINISH.has(reason)) return 'policy';
  return 'other';
}

/** "HARM_CATEGORY_X: HIGH" for the ratings that blocked (or were HIGH/MEDIUM). */
function ratingsDetail(ratings: unknown): string | undefined {
  if (!Array.isArray(ratings)) return undefined;
  const out: string[] = [];
  for (const r of ratings as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object') continue;
    if (r.blocked === true || r.probability === 'HIGH' || r.probability === 'MEDIUM') out.push(`${String(r.category)}: ${String(r.probability)}`);
  }
  return out.length ? out.join(', ') : undefined;
}

export function parseGemini(req: Pick<HttpRequest, 'provider'>, json: Record<string, unknown>, latencyMs: number): ChatResult {
  const um = (json.usageMetadata ?? {}) as Record<string, unknown>;
  const usage = usageOf(um.promptTokenCount, um.candidatesTokenCount);
  const feedback = (json.promptFeedback ?? {}) as Record<string, unknown>;
  const candidates = json.candidates;
  if (typeof feedback.blockReason === 'string' && (!Array.isArray(candidates) || candidates.length === 0)) {
    const detail = [`blockReason ${feedback.blockReason}`];
    if (typeof feedback.blockReasonMessage === 'string') detail.push(feedback.blockReasonMessage);
    const ratings = ratingsDetail(feedback.safetyRatings);
    if (ratings) detail.push(ratings);
    const r: ChatResult = { text: '', finishReason: 'policy', policyDetail: detail.join('; '), latencyMs };
    if (usage) r.usage = usage;
    return r;
  }
  if (!Array.isArray(candidates) || candidates.length === 0) throw malformed(req, 'no candidates and no promptFeedback.blockReason');
  const cand = candidates[0] as Record<string, unknown>;
  if (!cand || typeof cand !== 'object') throw malformed(req, 'the first candidate is not an object');
  const parts = ((cand.content as Record<string, unknown> | undefined)?.parts ?? []) as Record<string, unknown>[];
  const text = Array.isArray(parts) ? parts.filter((p) => p && typeof p.text === 'string' && p.thought !== true).map((p) => p.text as string).join('') : '';
  const finishReason = mapFinish(cand.finishReason);
  if (cand.finishReason === undefined && text === '') throw malformed(req, 'the first candidate has no content and no finishReason');
  const result: ChatResult = { text, finishReason, latencyMs };
  if (finishReason === 'policy') {
    result.text = '';
    const ratings = ratingsDetail(cand.safetyRatings);
    result.policyDetail = `finishReason ${String(cand.finishReason)}${ratings ? `; ${ratings}` : ''}`;
  }
  if (usage) result.usage = usage;
  return result;
}

/** The server's RetryInfo.retryDelay ("30s") from a Google error body, in ms. */
function retryDelayMs(text: string): number | undefined {
  const json = tryParseJson(text) as { error?: { details?: { retryDelay?: unknown }[] } } | undefined;
  const details = json?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const m = typeof d?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay) : null;
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}

class GeminiChat implements ChatProvider {
  readonly kind = 'chat' as const;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly apiKey: string | undefined;
  constructor(
    readonly id: string,
    model: string,
    private readonly opts: ProviderOptions,
  ) {
    const env = opts.env;
    const base = checkBaseUrl('GOOGLE_GEMINI_BASE_URL', envVar(env, 'GOOGLE_GEMINI_BASE_URL') ?? GEMINI_DEFAULT_BASE_URL);
    const custom = base.replace(/\/+$/, '') !== GEMINI_DEFAULT_BASE_URL;
    this.apiKey = envVar(env, 'GOOGLE_API_KEY') ?? envVar(env, 'GEMINI_API_KEY');
    if (!this.apiKey && !custom) {
      throw new UserInputError('google: no API key; set GEMINI_API_KEY (or GOOGLE_API_KEY) to a Gemini API key from https://aistudio.google.com/apikey');
    }
    const name = model.replace(/^models\//, '');
    this.url = joinUrl(base, `/${GEMINI_API_VERSION}/models/${encodeURIComponent(name)}:generateContent`);
    this.headers = {};
    if (this.apiKey) this.headers['x-goog-api-key'] = this.apiKey;
  }

  async chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    const req: HttpRequest = {
      provider: 'google',
      url: this.url,
      headers: this.headers,
      body: geminiBody(messages, params),
      signal,
      timeoutMs: this.opts.timeoutMs,
      secrets: [this.apiKey],
    };
    const res = await httpRequest(req);
    if (res.status < 200 || res.status >= 300) {
      const keyProblem = res.status === 401 || res.status === 403 || (res.status === 400 && /API_KEY_INVALID|API key not valid/i.test(res.text));
      throw statusError(req, res, {
        hint: keyProblem ? 'check GEMINI_API_KEY / GOOGLE_API_KEY' : res.status === 404 ? 'check the model name' : undefined,
        retryAfterMs: res.status === 429 ? retryDelayMs(res.text) : undefined,
      });
    }
    return parseGemini(req, parseJsonBody(req, res), res.latencyMs);
  }
}

export const googleFactory: ProviderFactory = {
  prefix: 'google',
  kind: 'chat',
  description: 'Google Gemini API generateContent (gemini models)',
  env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    const model = spec.name.trim();
    if (!model) throw new UserInputError(`google: no model name in "${spec.raw}"; e.g. google:gemini-2.0-flash`);
    return new GeminiChat(spec.raw, model, opts);
  },
};
