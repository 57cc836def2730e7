/**
 * `llama:PATH.gguf` or `llama:ALIAS`: a local GGUF model run on the CPU by node-llama-cpp.
 *
 * node-llama-cpp is an optional dependency: it is imported only when a llama model is first
 * used, so that the rest of trustgen runs without it. Only types are imported statically
 * (erased at compile time).
 */
import type {
  ChatHistoryItem,
  Llama,
  LlamaChatSession,
  LlamaContext,
  LlamaGrammar,
  LlamaModel,
} from 'node-llama-cpp';
import { availableParallelism } from 'node:os';
import { resolveModelPath } from '../models/pull.js';
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

type NodeLlamaCpp = typeof import('node-llama-cpp');

export const NODE_LLAMA_CPP_INSTALL = 'npm i -E node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1';
export const DEFAULT_MAX_TOKENS = 512;
const DEFAULT_CONTEXT_SIZE = 4096;

/**
 * Import node-llama-cpp, or throw a UserInputError telling how to install it.
 * `specifier` exists for tests.
 */
export async function importNodeLlamaCpp(specifier = 'node-llama-cpp'): Promise<NodeLlamaCpp> {
  try {
    return (await import(specifier)) as NodeLlamaCpp;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UserInputError(
      `llama: models need the optional package node-llama-cpp, which could not be loaded (${msg}). ` +
      `Install it with: ${NODE_LLAMA_CPP_INSTALL}` +
      ' (on other platforms, the matching @node-llama-cpp/<platform> package of the same version)',
    );
  }
}

function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  const texts: string[] = [];
  for (const part of m.content) {
    if (part.type === 'image') {
      throw new UserInputError('llama: models are text-only here; this case has an image part (use a vision model provider)');
    }
    texts.push(part.text);
  }
  return texts.join('\n');
}

/** The engine's messages as node-llama-cpp history, plus the prompt (last user message) and any assistant prefill. */
export function toChatHistory(messages: ChatMessage[]): { history: ChatHistoryItem[]; prompt: string; prefill?: string } {
  if (messages.length === 0) throw new UserInputError('llama: a chat needs at least one message');
  const items = messages.map((m) => ({ role: m.role, text: messageText(m) }));
  let prefill: string | undefined;
  if (items[items.length - 1].role === 'assistant') prefill = items.pop()!.text;
  const last = items.pop();
  if (!last || last.role !== 'user') {
    throw new UserInputError('llama: the last message must be a user message (optionally followed by an assistant prefill)');
  }
  const history: ChatHistoryItem[] = items.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.text };
    if (m.role === 'user') return { type: 'user', text: m.text };
    return { type: 'model', response: [m.text] };
  });
  return { history, prompt: last.text, prefill };
}

/** node-llama-cpp's stop reason as a FinishReason. */
export function mapStopReason(stop: string): FinishReason {
  switch (stop) {
    case 'maxTokens': return 'length';
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger': return 'stop';
    default: return 'other';
  }
}

interface Loaded {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  session: LlamaChatSession;
  jsonGrammar?: LlamaGrammar;
}

export class LlamaProvider implements ChatProvider {
  readonly kind = 'chat' as const;
  readonly id: string;
  /** The .gguf file this provider runs. */
  readonly modelPath: string;
  /** Calls are served one at a time; the engine may use this to size its concurrency. */
  readonly maxConcurrency = 1;
  private loading?: Promise<Loaded>;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly contextSize: number;
  private readonly threads: number;

  constructor(spec: ModelSpec, opts: ProviderOptions) {
    this.id = spec.raw;
    this.modelPath = resolveModelPath(spec.name, opts.home);
    const ctx = Number(opts.env.TRUSTGEN_LLAMA_CONTEXT);
    this.contextSize = Number.isInteger(ctx) && ctx >= 256 ? ctx : DEFAULT_CONTEXT_SIZE;
    const threads = Number(opts.env.TRUSTGEN_LLAMA_THREADS);
    // node-llama-cpp's CPU default is max(math cores, 4): on a 2-core machine its threads
    // then spin against each other and generation is ~30x slower. Use the cores there are.
    this.threads = Number.isInteger(threads) && threads >= 1 ? threads : Math.max(1, availableParallelism());
  }

  /** Load node-llama-cpp and the model (once); later calls return the same promise. */
  ready(): Promise<void> {
    return this.load().then(() => undefined);
  }

  private load(): Promise<Loaded> {
    if (this.closed) return Promise.reject(new ProviderError('llama: provider is closed', { retryable: false, code: 'closed' }));
    this.loading ??= this.doLoad();
    return this.loading;
  }

  private async doLoad(): Promise<Loaded> {
    const lib = await importNodeLlamaCpp();
    let llama: Llama;
    try {
      llama = await lib.getLlama({
        gpu: false,
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        logLevel: lib.LlamaLogLevel.error,
        maxThreads: this.threads,
      });
    } catch (err) {
      throw new UserInputError(`llama: node-llama-cpp has no usable CPU binary (${(err as Error).message}). Install it with: ${NODE_LLAMA_CPP_INSTALL}`);
    }
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: this.modelPath, gpuLayers: 0 });
    } catch (err) {
      await llama.dispose().catch(() => undefined);
      throw new UserInputError(`llama: cannot load ${this.modelPath}: ${(err as Error).message}`);
    }
    try {
      const trainCtx = model.trainContextSize;
      const context = await model.createContext({
        sequences: 1,
        threads: this.threads,
        contextSize: { max: Math.min(this.contextSize, trainCtx > 0 ? trainCtx : this.contextSize) },
      });
      const session = new lib.LlamaChatSession({ contextSequence: context.getSequence() });
      return { lib, llama, model, context, session };
    } catch (err) {
      await model.dispose().catch(() => undefined);
      await llama.dispose().catch(() => undefined);
      throw new ProviderError(`llama: cannot create a context for ${this.modelPath}: ${(err as Error).message}`, { retryable: false, code: 'llama_context' });
    }
  }

  chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    // Check the input before queueing, so that a bad case fails at once.
    let conv: ReturnType<typeof toChatHistory>;
    try { conv = toChatHistory(messages); } catch (err) { return Promise.reject(err); }
    const run = this.queue.then(() => this.runOne(conv, params, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOne(conv: ReturnType<typeof toChatHistory>, params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    if (signal.aborted) throw signal.reason;
    const l = await this.load();
    if (signal.aborted) throw signal.reason;
    const started = Date.now();
    const { session } = l;
    session.setChatHistory(conv.history);
    let grammar: LlamaGrammar | undefined;
    if (params.json) {
      l.jsonGrammar ??= await l.llama.getGrammarFor('json');
      grammar = l.jsonGrammar;
    }
    const meter = session.sequence.tokenMeter;
    const before = meter.getState();
    let res: Awaited<ReturnType<LlamaChatSession['promptWithMeta']>>;
    try {
      res = await session.promptWithMeta(conv.prompt, {
        maxTokens: params.maxTokens ?? DEFAULT_MAX_TOKENS,
        temperature: params.temperature,
        topP: params.topP,
        seed: params.seed,
        grammar,
        responsePrefix: conv.prefill || undefined,
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ProviderError(`llama: generation failed: ${(err as Error).message}`, { retryable: false, code: 'llama_generate' });
    }
    let text = res.responseText;
    if (conv.prefill && text.startsWith(conv.prefill)) text = text.slice(conv.prefill.length);
    const used = meter.diff(before);
    return {
      text,
      finishReason: mapStopReason(res.stopReason),
      usage: { inputTokens: used.usedInputTokens, outputTokens: used.usedOutputTokens },
      latencyMs: Date.now() - started,
    };
  }

  /**
   * The text of the model's context after the last call, special tokens included: the chat
   * as the model's template rendered it. For diagnostics and tests; undefined before loading.
   */
  async lastContextText(): Promise<string | undefined> {
    if (!this.loading) return undefined;
    const l = await this.loading;
    return l.model.detokenize(l.session.sequence.contextTokens, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    let l: Loaded;
    try { l = await loading; } catch { return; }
    try { l.session.dispose(); } catch { /* already gone */ }
    await l.context.dispose().catch(() => undefined);
    await l.model.dispose().catch(() => undefined);
    await l.llama.dispose().catch(() => undefined);
  }
}

export const llamaFactory: ProviderFactory = {
  prefix: 'llama',
  kind: 'chat',
  description: 'Local GGUF model on the CPU via the optional node-llama-cpp: llama:PATH.gguf, or llama:ALIAS after `trustgen pull ALIAS`',
  env: ['TRUSTGEN_HOME', 'TRUSTGEN_LLAMA_CONTEXT', 'TRUSTGEN_LLAMA_THREADS'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    return new LlamaProvider(spec, opts);
  },
};
