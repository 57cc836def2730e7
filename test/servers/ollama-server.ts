/**
 * A protocol-faithful Ollama test server: POST /api/chat (non-streaming when stream:false; like
 * the real server it streams NDJSON when stream is left out), GET /api/tags, GET /api/version
 * and GET / ("Ollama is running"). Ollama has no policy signal: {policy:true} answers a plain refusal.
 */
import {
  DEFAULT_REFUSAL,
  HttpError,
  asJsonAnswer,
  countTokens,
  firstTokens,
  startProtocolServer,
  strictBase64,
  type CommonServerOptions,
  type Ctx,
  type Protocol,
  type TestServer,
} from './base.js';

export type { TestServer, RecordedRequest, Faults, AnswerFn } from './base.js';

export interface OllamaServerOptions extends CommonServerOptions {
  /** Models the server "has": listed by /api/tags; when given, others are 404 on /api/chat. */
  models?: string[];
}

const ROLES = ['system', 'user', 'assistant', 'tool'];
const OPTIONS = ['temperature', 'num_predict', 'top_p', 'top_k', 'seed', 'stop', 'num_ctx', 'repeat_penalty', 'min_p', 'presence_penalty', 'frequency_penalty'];

const bad = (message: string): HttpError => new HttpError(400, message);

function validate(body: any, models: string[] | undefined): void {
  if (!body || typeof body !== 'object') throw bad('invalid request body');
  if (typeof body.model !== 'string' || !body.model) throw bad('model is required');
  if (models && !models.includes(body.model) && !models.includes(`${body.model}:latest`)) {
    throw new HttpError(404, `model "${body.model}" not found, try pulling it first`);
  }
  if (!Array.isArray(body.messages)) throw bad('messages is required');
  body.messages.forEach((m: any) => {
    if (!ROLES.includes(m?.role)) throw bad(`invalid role: ${String(m?.role)}`);
    if (typeof m.content !== 'string') throw bad('json: cannot unmarshal array into Go struct field Message.messages.content of type string');
    if (m.images !== undefined) {
      if (!Array.isArray(m.images)) throw bad('json: cannot unmarshal into Go struct field Message.messages.images of type []api.ImageData');
      for (const img of m.images) if (!strictBase64(img)) throw bad('illegal base64 data at input byte 0');
    }
  });
  if (body.options !== undefined) {
    if (typeof body.options !== 'object') throw bad('options must be an object');
    // Ollama ignores unknown options with a warning; the test server is stricter so that typos show.
    for (const k of Object.keys(body.options)) if (!OPTIONS.includes(k)) throw bad(`invalid option provided: ${k}`);
  }
  if (body.format !== undefined && body.format !== 'json' && typeof body.format !== 'object') throw bad(`invalid format: ${JSON.stringify(body.format)}`);
}

async function chat(ctx: Ctx, models: string[] | undefined): Promise<void> {
  const body = ctx.body;
  validate(body, models);
  const created_at = new Date(ctx.record.time).toISOString();
  const promptTokens = countTokens(JSON.stringify(body.messages));
  if (ctx.fault === 'empty') return ctx.json(200, { model: body.model, created_at, done: true, done_reason: 'stop' });
  const ans = ctx.fault === 'policy' ? DEFAULT_REFUSAL : await ctx.answer(body.model, body.messages, ctx.record.lastUser);
  let text = typeof ans === 'string' ? ans : (ans.detail ?? DEFAULT_REFUSAL);
  if (body.format !== undefined) text = asJsonAnswer(text);
  let reason = 'stop';
  const max = body.options?.num_predict;
  if (typeof max === 'number' && max >= 0 && countTokens(text) > max) {
    text = firstTokens(text, max);
    reason = 'length';
  }
  const final = {
    model: body.model,
    created_at,
    message: { role: 'assistant', content: text },
    done_reason: reason,
    done: true,
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: 200_000,
    eval_count: countTokens(text),
    eval_duration: 700_000,
  };
  if (body.stream === false) return ctx.json(200, final);
  // The default is streaming: NDJSON chunks, then a final chunk with done:true and an empty message.
  const lines = [
    JSON.stringify({ model: body.model, created_at, message: { role: 'assistant', content: text }, done: false }),
    JSON.stringify({ ...final, message: { role: 'assistant', content: '' } }),
  ];
  ctx.raw(200, `${lines.join('\n')}\n`, 'application/x-ndjson');
}

function ollamaProtocol(opts: OllamaServerOptions): Protocol {
  return {
    name: 'ollama',
    basePath: '',
    routes: [
      { method: 'POST', pattern: /^\/api\/chat$/, generation: true, handle: (ctx) => chat(ctx, opts.models) },
      {
        method: 'GET',
        pattern: /^\/api\/tags$/,
        generation: false,
        handle: (ctx) =>
          ctx.json(200, {
            models: (opts.models ?? ['llama3.2:3b']).map((name) => ({
              name,
              model: name,
              modified_at: '2025-01-01T00:00:00Z',
              size: 2_019_393_189,
              digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
              details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
            })),
          }),
      },
      { method: 'GET', pattern: /^\/api\/version$/, generation: false, handle: (ctx) => ctx.json(200, { version: '0.5.7' }) },
      { method: 'GET', pattern: /^\/$/, generation: false, handle: (ctx) => ctx.raw(200, 'Ollama is running', 'text/plain; charset=utf-8') },
    ],
    errorBody(_status, message) {
      return { error: message };
    },
    sampleSuccess(model) {
      return { model, created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content: 'This answer will be cut off somewhere in the middle of the JSON body.' }, done_reason: 'stop', done: true };
    },
    describe(body) {
      const msgs = Array.isArray(body?.messages) ? body.messages : [];
      let lastUser = '';
      for (let i = msgs.length - 1; i >= 0; i--) {
        if (msgs[i]?.role === 'user') {
          lastUser = typeof msgs[i].content === 'string' ? msgs[i].content : '';
          break;
        }
      }
      return { model: typeof body?.model === 'string' ? body.model : '', lastUser };
    },
  };
}

export function startOllamaServer(opts: OllamaServerOptions = {}): Promise<TestServer> {
  return startProtocolServer(ollamaProtocol(opts), opts);
}
