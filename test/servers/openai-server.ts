/**
 * A protocol-faithful OpenAI-compatible test server: POST /v1/chat/completions (and
 * /chat/completions), the Azure path /openai/deployments/{d}/chat/completions?api-version=...,
 * POST /v1/images/generations (a tiny valid PNG as b64_json) and GET /v1/models.
 * It validates requests as the real API does (roles, content parts, known fields, JSON mode
 * needing the word "json"), so a client that sends the wrong shape gets the real 400.
 *
 * Standalone: node dist/test/servers/openai-server.js --port 0 --latency 50
 * prints "listening http://127.0.0.1:PORT/v1".
 */
import { pathToFileURL } from 'node:url';
import type { IncomingMessage } from 'node:http';
import {
  HttpError,
  TINY_PNG_BASE64,
  asJsonAnswer,
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

export type { TestServer, RecordedRequest, Faults, AnswerFn, AnswerRequest, AnswerResult, PolicyAnswer } from './base.js';

export interface OpenAIServerOptions extends CommonServerOptions {
  /** Ids listed by GET /v1/models (default ['test-model']). */
  models?: string[];
}

const CHAT_FIELDS = [
  'model', 'messages', 'temperature', 'top_p', 'n', 'max_tokens', 'max_completion_tokens', 'seed', 'response_format', 'stop',
  'stream', 'stream_options', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'user', 'tools',
  'tool_choice', 'parallel_tool_calls', 'store', 'metadata', 'reasoning_effort', 'modalities', 'service_tier', 'prediction', 'audio',
];
const IMAGE_FIELDS = ['model', 'prompt', 'n', 'size', 'quality', 'style', 'response_format', 'user', 'seed', 'background', 'output_format', 'moderation'];
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

function invalid(message: string, param: string | null = null, code: string | null = null): HttpError {
  return new HttpError(400, message, { type: 'invalid_request_error', param, code });
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((p) => p?.type === 'text').map((p) => String(p.text)).join('\n');
  return '';
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return textOfContent(messages[i].content);
  return '';
}

function validateMessages(messages: unknown): void {
  if (!Array.isArray(messages)) throw invalid("'messages' is a required property", 'messages');
  if (messages.length === 0) throw invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  messages.forEach((m: any, i: number) => {
    if (!m || typeof m !== 'object') throw invalid(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`);
    if (!ROLES.includes(m.role)) {
      throw invalid(`Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
    }
    if (typeof m.content === 'string' || (m.content === null && m.role === 'assistant')) return;
    if (!Array.isArray(m.content)) throw invalid(`Invalid type for 'messages[${i}].content': expected one of a string or array of objects.`, `messages[${i}].content`);
    m.content.forEach((p: any, j: number) => {
      const where = `messages[${i}].content[${j}]`;
      if (p?.type === 'text') {
        if (typeof p.text !== 'string') throw invalid(`Missing required parameter: '${where}.text'.`, `${where}.text`);
        return;
      }
      if (p?.type === 'image_url') {
        if (m.role !== 'user') throw invalid(`Image URLs are only allowed for messages with role 'user', but this message with role '${m.role}' contains an image URL.`, where);
        const url = p.image_url?.url;
        if (typeof url !== 'string') throw invalid(`Missing required parameter: '${where}.image_url.url'.`, `${where}.image_url.url`);
        const data = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s.exec(url);
        if (data) {
          if (!strictBase64(data[2])) throw invalid("You uploaded an unsupported image. Please make sure your image is valid.", where, 'invalid_image_format');
          return;
        }
        if (/^https?:\/\//.test(url)) return;
        throw invalid(`Invalid 'image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,...'), but got an invalid value.`, where, 'invalid_image_url');
      }
      throw invalid(`Invalid value: '${String(p?.type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.`, `${where}.type`, 'invalid_value');
    });
  });
}

const FILTER_RESULTS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: true, severity: 'medium' },
};

async function chat(ctx: Ctx, azure: boolean): Promise<void> {
  const body = ctx.body;
  if (!body || typeof body !== 'object') throw invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)");
  rejectUnknown(body, CHAT_FIELDS, (f) => `Unrecognized request argument supplied: ${f}`);
  if (azure) {
    if (!ctx.query['api-version']) throw new HttpError(404, 'Resource not found');
  } else if (typeof body.model !== 'string' || !body.model) {
    throw invalid('you must provide a model parameter', 'model');
  }
  validateMessages(body.messages);
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
    throw invalid(`Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${String(body.temperature)} instead.`, 'temperature', 'decimal_above_max_value');
  }
  const json = body.response_format?.type === 'json_object';
  if (json && !JSON.stringify(body.messages).toLowerCase().includes('json')) {
    throw invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
  }
  if (body.stream === true) throw invalid('this test server does not stream; send stream:false or leave it out', 'stream');
  const model: string = azure ? ctx.params.deployment : body.model;
  const id = `chatcmpl-${ctx.record.time.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const base = { id, object: 'chat.completion', created: Math.floor(ctx.record.time / 1000), model, system_fingerprint: 'fp_test' };
  const promptTokens = countTokens(JSON.stringify(body.messages));

  if (ctx.fault === 'empty') return ctx.json(200, { ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens } });
  const ans = ctx.fault === 'policy' ? ({ policy: true, style: 'filter' } as PolicyAnswer) : await ctx.answer(model, body.messages, ctx.record.lastUser);

  if (typeof ans !== 'string') {
    const style = ans.style ?? 'filter';
    if (style === 'error400' || style === 'prompt') {
      throw new HttpError(400, ans.detail ?? "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.", {
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: FILTER_RESULTS },
      });
    }
    const message = style === 'refusal'
      ? { role: 'assistant', content: null, refusal: ans.detail ?? "I'm sorry, I can't assist with that request." }
      : { role: 'assistant', content: null, refusal: null };
    const choice: Record<string, unknown> = { index: 0, message, logprobs: null, finish_reason: style === 'refusal' ? 'stop' : 'content_filter' };
    if (style === 'filter') choice.content_filter_results = FILTER_RESULTS;
    return ctx.json(200, { ...base, choices: [choice], usage: { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens } });
  }

  let text = json ? asJsonAnswer(ans) : ans;
  let finish = 'stop';
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number' && countTokens(text) > max) {
    text = firstTokens(text, max);
    finish = 'length';
  }
  const completion = countTokens(text);
  ctx.json(200, {
    ...base,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion },
  });
}

async function images(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  if (!body || typeof body !== 'object') throw invalid('We could not parse the JSON body of your request.');
  rejectUnknown(body, IMAGE_FIELDS, (f) => `Unrecognized request argument supplied: ${f}`);
  if (typeof body.prompt !== 'string' || !body.prompt) throw invalid("Missing required parameter: 'prompt'.", 'prompt');
  const n = body.n ?? 1;
  if (typeof n !== 'number' || n < 1 || n > 10) throw invalid(`Invalid 'n': expected a value between 1 and 10, got ${String(n)}.`, 'n');
  if (body.response_format !== undefined && body.response_format !== 'b64_json' && body.response_format !== 'url') {
    throw invalid(`Invalid value: '${String(body.response_format)}'. Supported values are: 'url' and 'b64_json'.`, 'response_format');
  }
  const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
  const ans = ctx.fault === 'policy' ? ({ policy: true } as PolicyAnswer) : await ctx.answer(model, [{ role: 'user', content: body.prompt }], body.prompt);
  if (typeof ans !== 'string') {
    throw new HttpError(400, ans.detail ?? 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.', {
      type: 'image_generation_user_error',
      param: null,
      code: 'content_policy_violation',
    });
  }
  if (ctx.fault === 'empty') return ctx.json(200, { created: Math.floor(ctx.record.time / 1000), data: [] });
  const data = Array.from({ length: n }, () => ({ b64_json: TINY_PNG_BASE64, revised_prompt: body.prompt }));
  ctx.json(200, { created: Math.floor(ctx.record.time / 1000), data });
}

function openAIProtocol(opts: OpenAIServerOptions): Protocol {
  const models = opts.models ?? ['test-model'];
  return {
    name: 'openai',
    basePath: '/v1',
    routes: [
      { method: 'POST', pattern: /^(?:\/v1)?\/chat\/completions$/, generation: true, handle: (ctx) => chat(ctx, false) },
      { method: 'POST', pattern: /^\/openai\/deployments\/(?<deployment>[^/]+)\/chat\/completions$/, generation: true, handle: (ctx) => chat(ctx, true) },
      { method: 'POST', pattern: /^(?:\/v1)?\/images\/generations$/, generation: true, handle: images },
      {
        method: 'GET',
        pattern: /^(?:\/v1)?\/models$/,
        generation: false,
        handle: (ctx) => ctx.json(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'trustgen-test' })) }),
      },
    ],
    auth(req: IncomingMessage, _query, requireKey) {
      if (requireKey === undefined) return undefined;
      const azure = (req.url ?? '').startsWith('/openai/deployments/');
      if (azure) {
        const key = req.headers['api-key'];
        if (key === requireKey) return undefined;
        return new HttpError(401, 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.', { code: '401' });
      }
      const auth = req.headers.authorization;
      if (auth === `Bearer ${requireKey}`) return undefined;
      if (!auth) {
        return new HttpError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", { type: 'invalid_request_error', param: null, code: null });
      }
      // The real API echoes (part of) the key it got: a client must not put this in its own error messages.
      const got = auth.replace(/^Bearer\s+/i, '');
      return new HttpError(401, `Incorrect API key provided: ${got}. You can find your API key at https://platform.openai.com/account/api-keys.`, {
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      });
    },
    errorBody(status, message, extra) {
      const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
      const code = status === 429 ? 'rate_limit_exceeded' : null;
      return { error: { message, type, param: null, code, ...(extra ?? {}) } };
    },
    sampleSuccess(model) {
      return {
        id: 'chatcmpl-truncated',
        object: 'chat.completion',
        created: 1700000000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'This answer will be cut off somewhere in the middle of the JSON body.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 14, total_tokens: 24 },
      };
    },
    describe(body, params) {
      const model = params.deployment ?? (typeof body?.model === 'string' ? body.model : '');
      const lastUser = typeof body?.prompt === 'string' ? body.prompt : lastUserText(body?.messages);
      return { model, lastUser };
    },
  };
}

export function startOpenAIServer(opts: OpenAIServerOptions = {}): Promise<TestServer> {
  return startProtocolServer(openAIProtocol(opts), opts);
}

function parseArgs(argv: string[]): OpenAIServerOptions {
  const opts: OpenAIServerOptions = { record: false, faults: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') opts.port = Number(next());
    else if (a === '--latency') opts.latencyMs = Number(next());
    else if (a === '--require-key') opts.requireKey = next();
    else if (a === '--record') opts.record = true;
    else if (a === '--seed') opts.faults!.seed = Number(next());
    else if (a === '--retry-after') opts.faults!.retryAfter = Number(next());
    else if (/^--rate(429|500|503|529|Timeout|Malformed|Truncated|EmptyChoices|Policy)$/.test(a)) {
      (opts.faults as Record<string, number>)[a.slice(2)] = Number(next());
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: openai-server [--port N] [--latency MS] [--require-key KEY] [--seed N] [--rate429 R] [--retry-after S] [--rate500 R] [--rate503 R] [--rateTimeout R] [--rateMalformed R] [--rateTruncated R] [--rateEmptyChoices R] [--ratePolicy R] [--record]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  try {
    const server = await startOpenAIServer(parseArgs(process.argv.slice(2)));
    process.stdout.write(`listening ${server.url}\n`);
    const stop = (): void => {
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    process.stderr.write(`openai-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
