import type { ChatMessage, ChatParams, Env } from '../providers/types.js';
import { canonicalJson, sha256 } from '../util/hash.js';

/** Environment variables that say which server answers for a prefix (never the keys). */
const ENDPOINT_ENV: Record<string, string[]> = {
  openai: ['OPENAI_BASE_URL'],
  'openai-image': ['OPENAI_BASE_URL'],
  azure: ['AZURE_OPENAI_ENDPOINT', 'OPENAI_API_VERSION'],
  anthropic: ['ANTHROPIC_BASE_URL'],
  google: ['GOOGLE_GEMINI_BASE_URL'],
  ollama: ['OLLAMA_HOST'],
};

/** Strip user:password@ from a URL-like value so credentials never reach a hash input or a log. */
function withoutCredentials(value: string): string {
  // Greedy up to the last '@' before the path: a password may itself hold '@'.
  return value.replace(/\/\/[^/\s]*@/, '//');
}

/** The endpoint scope of a model spec: which server answers it, so two servers never share cache entries. */
export function endpointScope(prefix: string, env: Env): string {
  return (ENDPOINT_ENV[prefix] ?? []).map((name) => `${name}=${withoutCredentials(env[name] ?? '')}`).join(';');
}

/**
 * The cache key of a chat request: sha256 of the canonical JSON of model spec, endpoint scope,
 * messages and params. It never contains an API key: none is an input.
 */
export function chatRequestKey(model: string, scope: string, messages: ChatMessage[], params: ChatParams): string {
  return sha256(canonicalJson({ v: 1, model, scope, messages, params }));
}
