import { detectOllama } from '../providers/ollama.js';
import { UserInputError, type Env } from '../providers/types.js';

/** Models picked for an API key found in the environment, in this order. */
const KEY_DEFAULTS: { env: string[]; spec: (env: Env) => string | undefined }[] = [
  { env: ['OPENAI_API_KEY'], spec: () => 'openai:gpt-4o-mini' },
  { env: ['ANTHROPIC_API_KEY'], spec: () => 'anthropic:claude-3-5-haiku-latest' },
  { env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], spec: () => 'google:gemini-2.0-flash' },
  { env: ['AZURE_OPENAI_API_KEY'], spec: (env) => (env.AZURE_OPENAI_ENDPOINT && env.AZURE_OPENAI_DEPLOYMENT ? `azure:${env.AZURE_OPENAI_DEPLOYMENT}` : undefined) },
];

export const HOW_TO_SUPPLY_A_MODEL = `Supply a model in one of these ways:
  trustgen run --model openai:gpt-4o-mini        (set OPENAI_API_KEY; OPENAI_BASE_URL for vLLM, LM Studio or any OpenAI-compatible server)
  trustgen run --model ollama:llama3.2           (a running Ollama; OLLAMA_HOST if not 127.0.0.1:11434)
  trustgen run --model anthropic:claude-3-5-haiku-latest   (ANTHROPIC_API_KEY)
  trustgen run --model google:gemini-2.0-flash   (GEMINI_API_KEY)
  trustgen run --model llama:./model.gguf        (a local GGUF; needs npm i -E node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1)
  trustgen pull                                  (download the default small GGUF, then run again)
  or set TRUSTGEN_MODEL, or list models in trustgen.yaml.`;

/**
 * The model to evaluate when none is given: TRUSTGEN_MODEL, else a running Ollama's first model,
 * else a model for an API key in the environment, else the default GGUF (pulled first when missing).
 */
export async function resolveDefaultModel(env: Env, home: string, log: (m: string) => void): Promise<string> {
  if (env.TRUSTGEN_MODEL) {
    log(`Model from TRUSTGEN_MODEL: ${env.TRUSTGEN_MODEL}`);
    return env.TRUSTGEN_MODEL;
  }
  const ollama = await detectOllama(env);
  if (ollama && ollama.length > 0) {
    log(`Using the running Ollama's model ollama:${ollama[0]}`);
    return `ollama:${ollama[0]}`;
  }
  for (const k of KEY_DEFAULTS) {
    if (k.env.some((name) => env[name])) {
      const spec = k.spec(env);
      if (spec) { log(`Using ${spec} (API key found in the environment)`); return spec; }
    }
  }
  const reasons: string[] = [];
  if (ollama && ollama.length === 0) reasons.push('Ollama is running but has no model (ollama pull llama3.2).');
  try {
    await import('node-llama-cpp');
  } catch {
    throw new UserInputError(`No model to evaluate: no --model, no TRUSTGEN_MODEL, no running Ollama, no API key in the environment, and node-llama-cpp (for the default local GGUF) is not installed.\n${reasons.join('\n')}${reasons.length ? '\n' : ''}${HOW_TO_SUPPLY_A_MODEL}`);
  }
  const { pullModel, DEFAULT_MODEL_ALIAS } = await import('../models/pull.js');
  log(`No model given: using the default local model ${DEFAULT_MODEL_ALIAS} (pulled on first use).`);
  try {
    const { path } = await pullModel(DEFAULT_MODEL_ALIAS, { env, home });
    return `llama:${path}`;
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    throw new UserInputError(`No model to evaluate, and the default GGUF could not be downloaded: ${(e as Error).message}\n${HOW_TO_SUPPLY_A_MODEL}`);
  }
}
