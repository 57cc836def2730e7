import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelSpec } from '../../src/providers/spec.js';
import { createProvider, providerFactories } from '../../src/providers/registry.js';
import { UserInputError } from '../../src/providers/types.js';
import { HOME } from '../servers/harness.js';

describe('parseModelSpec', () => {
  it('splits on the first colon only', () => {
    assert.deepEqual(parseModelSpec('openai:gpt-4o-mini'), { prefix: 'openai', name: 'gpt-4o-mini', raw: 'openai:gpt-4o-mini' });
    assert.deepEqual(parseModelSpec('ollama:llama3:8b'), { prefix: 'ollama', name: 'llama3:8b', raw: 'ollama:llama3:8b' });
    assert.equal(parseModelSpec('llama:/models/x/y.gguf').name, '/models/x/y.gguf');
    assert.equal(parseModelSpec('llama:C:\\models\\y.gguf').name, 'C:\\models\\y.gguf');
    assert.equal(parseModelSpec(' OpenAI-Image:dall-e-3 ').prefix, 'openai-image');
  });

  it('a missing prefix is a UserInputError listing prefixes with an example and a guess', () => {
    assert.throws(
      () => parseModelSpec('gpt-4o-mini'),
      (e: unknown) => e instanceof UserInputError && /no provider prefix/.test(e.message) && /openai, openai-image, azure/.test(e.message) && /openai:gpt-4o-mini/.test(e.message),
    );
  });

  it('an unknown prefix is a UserInputError that suggests the right one', () => {
    assert.throws(() => parseModelSpec('claude:claude-3-5-haiku'), (e: unknown) => e instanceof UserInputError && /unknown model prefix "claude"/.test(e.message) && /anthropic:claude-3-5-haiku/.test(e.message));
    assert.throws(() => parseModelSpec('opena:gpt-4o'), (e: unknown) => e instanceof UserInputError && /Did you mean "openai:gpt-4o"/.test(e.message));
    assert.throws(() => parseModelSpec('zzz:model'), (e: unknown) => e instanceof UserInputError && /Known prefixes: .*ollama/.test(e.message));
  });

  it('an empty spec or name is a UserInputError', () => {
    assert.throws(() => parseModelSpec(''), UserInputError);
    assert.throws(() => parseModelSpec('openai:'), (e: unknown) => e instanceof UserInputError && /no model name/.test(e.message));
  });
});

describe('registry', () => {
  it('has the built-in factories with distinct prefixes', () => {
    const prefixes = providerFactories().map((f) => f.prefix);
    for (const p of ['openai', 'openai-image', 'azure', 'anthropic', 'google', 'ollama']) assert.ok(prefixes.includes(p), p);
    assert.equal(new Set(prefixes).size, prefixes.length);
    for (const f of providerFactories()) {
      assert.ok(f.description.length > 10);
      assert.ok(Array.isArray(f.env));
    }
  });

  it('createProvider gives a helpful UserInputError for an unknown prefix', () => {
    assert.throws(
      () => createProvider('gemini:gemini-2.0-flash', { env: {}, home: HOME }),
      (e: unknown) => e instanceof UserInputError && /google:gemini-2.0-flash/.test(e.message) && /Known prefixes/.test(e.message),
    );
  });

  it('createProvider builds a provider with the spec as its id', () => {
    const p = createProvider('ollama:qwen2.5:0.5b', { env: {}, home: HOME });
    assert.equal(p.id, 'ollama:qwen2.5:0.5b');
    assert.equal(p.kind, 'chat');
  });
});
