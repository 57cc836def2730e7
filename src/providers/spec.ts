/** Model specs: "prefix:name", e.g. openai:gpt-4o-mini, ollama:llama3:8b, llama:/models/x.gguf. */
import { UserInputError, type ModelSpec } from './types.js';

/** Every prefix trustgen knows, with an example of each (for error messages and docs). */
export const KNOWN_PREFIXES: readonly { prefix: string; example: string }[] = [
  { prefix: 'openai', example: 'openai:gpt-4o-mini' },
  { prefix: 'openai-image', example: 'openai-image:dall-e-3' },
  { prefix: 'azure', example: 'azure:my-gpt-4o-deployment' },
  { prefix: 'anthropic', example: 'anthropic:claude-3-5-haiku-latest' },
  { prefix: 'google', example: 'google:gemini-2.0-flash' },
  { prefix: 'ollama', example: 'ollama:llama3.2:3b' },
  { prefix: 'llama', example: 'llama:/models/qwen2.5-0.5b-instruct-q4_k_m.gguf' },
];

/** Common misspellings and vendor names, to suggest the right prefix (never accepted silently). */
const ALIASES: Record<string, string> = {
  gpt: 'openai',
  chatgpt: 'openai',
  oai: 'openai',
  dalle: 'openai-image',
  'dall-e': 'openai-image',
  image: 'openai-image',
  'azure-openai': 'azure',
  azureopenai: 'azure',
  claude: 'anthropic',
  gemini: 'google',
  vertex: 'google',
  googleai: 'google',
  'llama-cpp': 'llama',
  llamacpp: 'llama',
  'llama.cpp': 'llama',
  gguf: 'llama',
  local: 'llama',
};

function knownList(known: readonly string[]): string {
  return known.join(', ');
}

function examples(known: readonly string[]): string {
  return KNOWN_PREFIXES.filter((k) => known.includes(k.prefix))
    .slice(0, 3)
    .map((k) => k.example)
    .join(', ');
}

function suggest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (ALIASES[w] && known.includes(ALIASES[w])) return ALIASES[w];
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(w, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3))) return best;
  // A bare model name: guess the vendor from its look.
  if (/^(gpt-|o\d|dall-e|chatgpt)/i.test(word)) return 'openai';
  if (/^claude/i.test(word)) return 'anthropic';
  if (/^gemini/i.test(word)) return 'google';
  if (/\.gguf$/i.test(word)) return 'llama';
  return undefined;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/**
 * Parse "prefix:name". The name is everything after the first ':' (so ollama:llama3:8b has
 * name "llama3:8b", and llama:C:\models\x.gguf has name "C:\models\x.gguf"). A missing or unknown
 * prefix is a UserInputError that lists the known prefixes and gives an example.
 */
export function parseModelSpec(raw: string, known: readonly string[] = KNOWN_PREFIXES.map((k) => k.prefix)): ModelSpec {
  const text = (raw ?? '').trim();
  if (!text) throw new UserInputError(`empty model spec; write prefix:model, e.g. ${examples(known)}. Known prefixes: ${knownList(known)}`);
  const colon = text.indexOf(':');
  if (colon <= 0) {
    const guess = suggest(colon === 0 ? text.slice(1) : text, known);
    const hint = guess ? ` Did you mean "${guess}:${colon === 0 ? text.slice(1) : text}"?` : '';
    throw new UserInputError(
      `model spec "${text}" has no provider prefix; write prefix:model, e.g. ${examples(known)}.${hint} Known prefixes: ${knownList(known)}`,
    );
  }
  const prefix = text.slice(0, colon).toLowerCase();
  const name = text.slice(colon + 1).trim();
  if (!known.includes(prefix)) {
    const guess = suggest(prefix, known);
    const hint = guess ? ` Did you mean "${guess}:${name}"?` : '';
    throw new UserInputError(`unknown model prefix "${prefix}" in "${text}".${hint} Known prefixes: ${knownList(known)}; e.g. ${examples(known)}`);
  }
  if (!name) {
    const ex = KNOWN_PREFIXES.find((k) => k.prefix === prefix)?.example ?? `${prefix}:MODEL`;
    throw new UserInputError(`model spec "${text}" has no model name after "${prefix}:"; e.g. ${ex}`);
  }
  return { prefix, name, raw: text };
}
