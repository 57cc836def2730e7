/**
 * The narrow, versioned provider interface. The engine only ever sees these shapes;
 * nothing of a vendor SDK or wire format leaks past an adapter.
 */
export const PROVIDER_INTERFACE_VERSION = 1;

export type Role = 'system' | 'user' | 'assistant';

export interface TextPart { type: 'text'; text: string }
/** An image given to a vision model: raw bytes with their media type, or a URL. */
export interface ImagePart { type: 'image'; mediaType: string; data?: Uint8Array; url?: string }
export type ContentPart = TextPart | ImagePart;

export interface ChatMessage {
  role: Role;
  /** A plain string, or parts (text and images) for multimodal messages. */
  content: string | ContentPart[];
}

export interface ChatParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  /** Ask for a JSON object answer where the provider supports it. */
  json?: boolean;
}

/**
 * Why the model stopped. 'policy' means the provider (not the model's own words) blocked
 * the request or the answer: a content filter, a safety block. It is scored as a refusal
 * and never judged as if it were the model's text.
 */
export type FinishReason = 'stop' | 'length' | 'policy' | 'other';

export interface Usage { inputTokens?: number; outputTokens?: number }

export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  /** The provider's own words for a policy block, when it gave any. */
  policyDetail?: string;
  usage?: Usage;
  latencyMs: number;
}

export interface ImageParams { size?: string; seed?: number; n?: number }
export interface ImageResult {
  images: { mediaType: string; data: Uint8Array }[];
  finishReason: FinishReason;
  policyDetail?: string;
  latencyMs: number;
}

export interface ChatProvider {
  kind: 'chat';
  /** The model spec as the user wrote it, e.g. "openai:gpt-4o-mini". */
  id: string;
  chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult>;
  /** Most calls it can serve at once (a local runtime serves one); the engine never exceeds it. */
  readonly maxConcurrency?: number;
  close?(): Promise<void>;
}

export interface ImageProvider {
  kind: 'image';
  id: string;
  image(prompt: string, params: ImageParams, signal: AbortSignal): Promise<ImageResult>;
  close?(): Promise<void>;
}

export type Provider = ChatProvider | ImageProvider;

/**
 * Errors a provider throws. `retryable` tells the engine whether to try again;
 * `retryAfterMs` carries a server's Retry-After. `status` is the HTTP status when there was one.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly code: string;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number; code?: string }) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.code = opts.code ?? (opts.status ? `http_${opts.status}` : 'provider_error');
  }
}

/** A model spec parsed: prefix and the rest, e.g. {prefix:'openai', name:'gpt-4o-mini'}. */
export interface ModelSpec { prefix: string; name: string; raw: string }

/** Environment the providers read (process.env in production, a fixture in tests). */
export type Env = Record<string, string | undefined>;

export interface ProviderOptions {
  env: Env;
  /** Per-request timeout in ms; the engine also passes an AbortSignal. */
  timeoutMs?: number;
  /** Where models and caches live (TRUSTGEN_HOME). */
  home: string;
}

export interface ProviderFactory {
  prefix: string;
  kind: 'chat' | 'image';
  /** One line for `trustgen list models`. */
  description: string;
  /** Environment variables it reads, for docs and `list models`. */
  env: string[];
  create(spec: ModelSpec, opts: ProviderOptions): Provider;
}

/** Input error: wrong spec, missing key. The CLI exits with code 2 on it. */
export class UserInputError extends Error {
  constructor(message: string) { super(message); this.name = 'UserInputError'; }
}
