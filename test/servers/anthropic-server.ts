/**
 * A protocol-faithful Anthropic Messages API test server: POST /v1/messages. Checks the
 * x-api-key (or Authorization: Bearer) and anthropic-version headers, validates the body as the
 * real API does (max_tokens required, only user/assistant roles, content blocks, no unknown
 * fields) and answers with content blocks; {policy:true} answers stop_reason 'refusal'.
 */
import type { IncomingMessage } from 'node:http';
import {
  HttpError,
  countTokens,
  firstTokens,
  rejectUnknown,
  startProtocolServer,
  strictBase64,
  type CommonServerOptions,
  type Ctx,
  type Protocol,
  type TestServer,
  type PolicyAnswer,
} from './base.js';

export type { TestServer, RecordedRequest, Faults, AnswerFn } from './base.js';
export type AnthropicServerOptions = CommonServerOptions;

const FIELDS = ['model', 'messages', 'max_tokens', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'stream', 'metadata', 'tools', 'tool_choice', 'thinking', 'service_tier'];
const MEDIA = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

const invalid = (message: string): HttpError => new HttpError(400, message);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((b) => b?.type === 'text').map((b) => String(b.text)).join('\n');
  return '';
}

function validate(body: any): void {
  if (!body || typeof body !== 'object') throw invalid('Request body must be a JSON object');
  rejectUnknown(body, FIELDS, (f) => `${f}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string' || !body.model) throw invalid('model: Field required');
  if (body.max_tokens === undefined) throw invalid('max_tokens: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) throw invalid('max_tokens: Input should be a valid integer greater than or equal to 1');
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) throw invalid('system: Input should be a valid string or list');
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) {
    throw invalid('temperature: Input should be less than or equal to 1');
  }
  if (!Array.isArray(body.messages)) throw invalid('messages: Field required');
  if (body.messages.length === 0) throw invalid('messages: at least one message is required');
  body.messages.forEach((m: any, i: number) => {
    if (m?.role === 'system') {
      throw invalid('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    }
    if (m?.role !== 'user' && m?.role !== 'assistant') throw invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (typeof m.content === 'string') return;
    if (!Array.isArray(m.content)) throw invalid(`messages.${i}.content: Input should be a valid string or list`);
    m.content.forEach((b: any, j: number) => {
      const where = `messages.${i}.content.${j}`;
      if (b?.type === 'text') {
        if (typeof b.text !== 'string') throw invalid(`${where}.text: Field required`);
        return;
      }
      if (b?.type === 'image') {
        const src = b.source;
        if (src?.type === 'base64') {
          if (!MEDIA.includes(src.media_type)) throw invalid(`${where}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
          if (!strictBase64(src.data)) throw invalid(`${where}.source.base64.data: The image data is not valid base64`);
          return;
        }
        if (src?.type === 'url' && typeof src.url === 'string') return;
        throw invalid(`${where}.source: Input tag '${String(src?.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url'`);
      }
      throw invalid(`${where}: Input tag '${String(b?.type)}' found using 'type' does not match any of the expected tags`);
    });
  });
}

async function messages(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  validate(body);
  const base = { id: `msg_test${ctx.record.time.toString(36)}`, type: 'message', role: 'assistant', model: body.model, stop_sequence: null };
  const inputTokens = countTokens(JSON.stringify(body.messages)) + countTokens(textOf(body.system));
  if (ctx.fault === 'empty') return ctx.json(200, { ...base, stop_reason: 'end_turn', usage: { input_tokens: inputTokens, output_tokens: 0 } });
  const ans = ctx.fault === 'policy' ? ({ policy: true } as PolicyAnswer) : await ctx.answer(body.model, body.messages, ctx.record.lastUser);
  if (typeof ans !== 'string') {
    return ctx.json(200, { ...base, content: ans.detail ? [{ type: 'text', text: ans.detail }] : [], stop_reason: 'refusal', usage: { input_tokens: inputTokens, output_tokens: 0 } });
  }
  let text = ans;
  let stop = 'end_turn';
  if (countTokens(text) > body.max_tokens) {
    text = firstTokens(text, body.max_tokens);
    stop = 'max_tokens';
  }
  ctx.json(200, { ...base, content: [{ type: 'text', text }], stop_reason: stop, usage: { input_tokens: inputTokens, output_tokens: countTokens(text) } });
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

const protocol: Protocol = {
  name: 'anthropic',
  basePath: '',
  routes: [{ method: 'POST', pattern: /^\/v1\/messages$/, generation: true, handle: messages }],
  auth(req: IncomingMessage, _query, requireKey) {
    const key = (req.headers['x-api-key'] as string | undefined) ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (!key) return new HttpError(401, 'x-api-key header is required');
    if (requireKey !== undefined && key !== requireKey) return new HttpError(401, 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return new HttpError(400, 'anthropic-version: header is required');
    if (req.headers['anthropic-version'] !== '2023-06-01') return new HttpError(400, `anthropic-version: invalid version ${String(req.headers['anthropic-version'])}`);
    return undefined;
  },
  errorBody(status, message) {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
  },
  sampleSuccess(model) {
    return {
      id: 'msg_truncated', type: 'message', role: 'assistant', model,
      content: [{ type: 'text', text: 'This answer will be cut off somewhere in the middle of the JSON body.' }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 14 },
    };
  },
  describe(body) {
    const msgs = Array.isArray(body?.messages) ? body.messages : [];
    let lastUser = '';
    for (let i = msgs.length - 1; i >= 0; i--) {
      if (msgs[i]?.role === 'user') {
        lastUser = textOf(msgs[i].content);
        break;
      }
    }
    return { model: typeof body?.model === 'string' ? body.model : '', lastUser };
  },
};

export function startAnthropicServer(opts: AnthropicServerOptions = {}): Promise<TestServer> {
  return startProtocolServer(protocol, opts);
}
