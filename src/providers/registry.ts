/** The prefix registry: model spec string → Provider. */
import { UserInputError, type Provider, type ProviderFactory, type ProviderOptions } from './types.js';
import { KNOWN_PREFIXES, parseModelSpec } from './spec.js';
import { openaiFactory, openaiImageFactory } from './openai.js';
import { azureFactory } from './azure.js';
import { anthropicFactory } from './anthropic.js';
import { googleFactory } from './google.js';
import { ollamaFactory } from './ollama.js';
import { llamaFactory } from './llama.js';

/** Every provider factory, in the order `trustgen list models` shows them. */
export function providerFactories(): ProviderFactory[] {
  return [
    openaiFactory,
    openaiImageFactory,
    azureFactory,
    anthropicFactory,
    googleFactory,
    ollamaFactory,
    llamaFactory,
  ];
}

/** The factory for a prefix, or undefined. */
export function findFactory(prefix: string): ProviderFactory | undefined {
  return providerFactories().find((f) => f.prefix === prefix);
}

/**
 * Create the provider for a spec like "openai:gpt-4o-mini". A missing or unknown prefix, a
 * missing model name or a missing API key is a UserInputError.
 */
export function createProvider(raw: string, opts: ProviderOptions): Provider {
  const factories = providerFactories();
  const prefixes = factories.map((f) => f.prefix);
  // Prefixes known to trustgen but not built in here still parse, so their error says "not available".
  const spec = parseModelSpec(raw, [...new Set([...prefixes, ...KNOWN_PREFIXES.map((k) => k.prefix)])]);
  const factory = factories.find((f) => f.prefix === spec.prefix);
  if (!factory) {
    throw new UserInputError(`the "${spec.prefix}" provider is not available in this build; available prefixes: ${prefixes.join(', ')}`);
  }
  return factory.create(spec, opts);
}
