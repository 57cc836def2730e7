/**
 * A protocol-faithful Gemini API test server: POST /v1beta/models/{model}:generateContent with
 * the key in x-goog-api-key (or ?key=). Validates roles (user/model), parts and field names as the
 * real API does. {policy:true} answers a prompt block (promptFeedback.blockReason); the policy
 * fault (or {policy:true, style:'filter'}) a candidate stopped for SAFETY.
 */
import type { IncomingMessage } from 'node:http';
import {
  HttpError,
  asJsonAnswer,
  countTokens,
  firstTokens,
  rejectUnknown,
  startProtocolServer,
  strictBase64,
  type CommonServerOptions,
  type Ctx,
  type Faults,
  type Protocol,
  type TestServer,
  type PolicyAnswer,
} from './base.js';

export type { TestServer, RecordedRequest, Faults, AnswerFn } from './base.js';
export type GeminiServerOptions = CommonServerOptions;

const FIELDS = ['contents', 'systemInstruction', 'system_instruction', 'generationConfig', 'generation_config', 'safetySettings', 'safety_settings', 'tools', 'toolConfig', 'cachedContent'];
const GEN_FIELDS = [
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'candidateCount', 'stopSequences', 'seed', 'responseMimeType', 'responseSchema',
  'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'thinkingConfig', 'responseModalities',
];

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

const invalid = (message: string): HttpError => new HttpError(400, message);
const unknownName = (where: string) => (f: string): string => `Invalid JSON payload received. Unknown name "${f}" at '${where}': Cannot find field.`;

function partsText(parts: unknown): string {
  return Array.isArray(parts) ? parts.filter((p) => typeof p?.text === 'string').map((p) => p.text as string).join('\n') : '';
}

function validateParts(parts: unknown, where: string): void {
  if (!Array.isArray(parts) || parts.length === 0) throw invalid(`* GenerateContentRequest.${where}.parts: contents.parts must not be empty.`);
  parts.forEach((p: any, j: number) => {
    if (typeof p?.text === 'string') return;
    if (p?.inlineData) {
      if (typeof p.inlineData.mimeType !== 'string' || !p.inlineData.mimeType.startsWith('image/')) throw invalid(`* GenerateContentRequest.${where}.parts[${j}].inline_data.mime_type: Unsupported MIME type: ${String(p.inlineData.mimeType)}`);
      if (!strictBase64(p.inlineData.data)) throw invalid(`Invalid value at '${where}.parts[${j}].inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
      return;
    }
    if (p?.fileData && typeof p.fileData.fileUri === 'string') return;
    throw invalid(`* GenerateContentRequest.${where}.parts[${j}].data: required oneof field 'data' must have one initialized field`);
  });
}

function validate(body: any): void {
  if (!body || typeof body !== 'object') throw invalid('Invalid JSON payload received.');
  rejectUnknown(body, FIELDS, unknownName(''));
  if (!Array.isArray(body.contents) || body.contents.length === 0) throw invalid('* GenerateContentRequest.contents: contents is not specified');
  body.contents.forEach((c: any, i: number) => {
    if (c?.role !== undefined && c.role !== 'user' && c.role !== 'model') throw invalid('Please use a valid role: user, model.');
    validateParts(c?.parts, `contents[${i}]`);
  });
  const si = body.systemInstruction ?? body.system_instruction;
  if (si !== undefined) validateParts(si?.parts, 'system_instruction');
  const gc = body.generationConfig ?? body.generation_config;
  if (gc !== undefined) {
    rejectUnknown(gc, GEN_FIELDS, unknownName('generation_config'));
    if (gc.responseMimeType !== undefined && !['text/plain', 'application/json', 'text/x.enum'].includes(gc.responseMimeType)) {
      throw invalid(`* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, and \`text/x.enum\`.`);
    }
  }
}

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

async function generate(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  validate(body);
  const model = ctx.params.model;
  const promptTokens = countTokens(JSON.stringify(body.contents));
  const usageMetadata = (out: number): Record<string, number> => ({ promptTokenCount: promptTokens, candidatesTokenCount: out, totalTokenCount: promptTokens + out });
  const common = { modelVersion: model, responseId: `resp-${ctx.record.time.toString(36)}` };
  if (ctx.fault === 'empty') return ctx.json(200, { usageMetadata: usageMetadata(0), ...common });
  const ans = ctx.fault === 'policy' ? ({ policy: true, style: 'filter' } as PolicyAnswer) : await ctx.answer(model, body.contents, ctx.record.lastUser);
  if (typeof ans !== 'string') {
    if (ans.style === 'filter') {
      return ctx.json(200, { candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_RATINGS }], usageMetadata: usageMetadata(0), ...common });
    }
    return ctx.json(200, { promptFeedback: { blockReason: 'SAFETY', safetyRatings: SAFETY_RATINGS }, usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens }, ...common });
  }
  const gc = body.generationConfig ?? body.generation_config ?? {};
  let text = gc.responseMimeType === 'application/json' ? asJsonAnswer(ans) : ans;
  let finish = 'STOP';
  if (typeof gc.maxOutputTokens === 'number' && countTokens(text) > gc.maxOutputTokens) {
    text = firstTokens(text, gc.maxOutputTokens);
    finish = 'MAX_TOKENS';
  }
  ctx.json(200, { candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: finish, index: 0 }], usageMetadata: usageMetadata(countTokens(text)), ...common });
}

function geminiProtocol(getFaults: () => Faults): Protocol {
  return {
    name: 'gemini',
    basePath: '',
    routes: [{ method: 'POST', pattern: /^\/v1beta\/models\/(?<model>[^/:]+):generateContent$/, generation: true, handle: generate }],
    auth(req: IncomingMessage, query, requireKey) {
      const key = (req.headers['x-goog-api-key'] as string | undefined) ?? query.key;
      if (!key) {
        return new HttpError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
      }
      if (requireKey !== undefined && key !== requireKey) {
        return new HttpError(400, 'API key not valid. Please pass a valid API key.', {
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
        });
      }
      return undefined;
    },
    errorBody(status, message, extra) {
      const details = status === 429
        ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${getFaults().retryAfter ?? 1}s` }]
        : undefined;
      return { error: { code: status, message, status: STATUS[status] ?? 'UNKNOWN', ...(details ? { details } : {}), ...(extra ?? {}) } };
    },
    sampleSuccess() {
      return {
        candidates: [{ content: { parts: [{ text: 'This answer will be cut off somewhere in the middle of the JSON body.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 14, totalTokenCount: 24 },
      };
    },
    describe(body, params) {
      const contents = Array.isArray(body?.contents) ? body.contents : [];
      let lastUser = '';
      for (let i = contents.length - 1; i >= 0; i--) {
        if (contents[i]?.role === 'user' || contents[i]?.role === undefined) {
          lastUser = partsText(contents[i]?.parts);
          break;
        }
      }
      return { model: params.model ?? '', lastUser };
    },
  };
}

export async function startGeminiServer(opts: GeminiServerOptions = {}): Promise<TestServer> {
  let faults: Faults = opts.faults ?? {};
  const server = await startProtocolServer(geminiProtocol(() => faults), opts);
  const setFaults = server.setFaults.bind(server);
  server.setFaults = (f: Faults) => {
    faults = f;
    setFaults(f);
  };
  return server;
}
