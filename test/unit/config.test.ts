import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { UserInputError } from '../../src/providers/types.js';

const root = mkdtempSync(join(tmpdir(), 'trustgen-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh working folder holding trustgen.yaml with `text` (or no file when text is null). */
function dirWith(text: string | null, name = 'trustgen.yaml'): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  if (text !== null) writeFileSync(join(dir, name), text);
  return dir;
}

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserInputError, `expected a UserInputError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected loadConfig to throw');
}

test('a valid trustgen.yaml loads', () => {
  const dir = dirWith(`
models: [openai:gpt-4o-mini, "ollama:llama3.2"]
limit: 50
concurrency: 4
seed: 7
cache: false
params: { temperature: 0.2, maxTokens: 256 }
safety:
  size: 100
  subdimensions: [harmful, jailbreak]
`);
  const { config, file } = loadConfig(undefined, dir);
  assert.equal(file, join(dir, 'trustgen.yaml'));
  assert.deepEqual(config, {
    models: ['openai:gpt-4o-mini', 'ollama:llama3.2'],
    limit: 50,
    concurrency: 4,
    seed: 7,
    cache: false,
    params: { temperature: 0.2, maxTokens: 256 },
    safety: { size: 100, subdimensions: ['harmful', 'jailbreak'] },
  });
});

test('--config with a relative path loads from the working folder', () => {
  const dir = dirWith('limit: 3\n', 'my.yaml');
  const { config, file } = loadConfig('my.yaml', dir);
  assert.deepEqual(config, { limit: 3 });
  assert.equal(file, join(dir, 'my.yaml'));
});

test('no default file gives an empty config', () => {
  assert.deepEqual(loadConfig(undefined, dirWith(null)), { config: {}, file: null });
});

test('an empty file is an empty config', () => {
  const dir = dirWith('# nothing yet\n');
  assert.deepEqual(loadConfig(undefined, dir).config, {});
});

test('--config naming a missing file is an error naming the path', () => {
  const msg = inputError(() => loadConfig('nope/missing.yaml', dirWith(null)));
  assert.match(msg, /nope\/missing\.yaml/);
  assert.match(msg, /not found/);
});

test('wrong types name the file, the field path and what was expected', () => {
  const dir = dirWith('models:\n  - openai:gpt-4o-mini\n  - 42\nsafety:\n  size: big\nlimit: -3\n');
  const file = join(dir, 'trustgen.yaml');
  const msg = inputError(() => loadConfig(undefined, dir));
  const lines = msg.split('\n').filter((l) => l.startsWith(file));
  assert.ok(lines.length >= 3, msg);
  const line = (field: string) => lines.find((l) => l.startsWith(`${file}: ${field}: `));
  assert.match(line('models[1]') ?? '', /expected string/i, msg);
  assert.match(line('safety.size') ?? '', /expected number/i, msg);
  assert.match(line('limit') ?? '', />\s*0|positive/i, msg);
});

test('a model without a prefix explains the spec format', () => {
  const dir = dirWith('models: [gpt-4o]\n');
  const msg = inputError(() => loadConfig(undefined, dir));
  assert.match(msg, /models\[0\]: .*prefix:model/);
});

test('a bad enum value deep in a list names the full path', () => {
  const dir = dirWith('safety:\n  subdimensions: [harmful, fairness]\n');
  const msg = inputError(() => loadConfig(undefined, dir));
  assert.match(msg, /safety\.subdimensions\[1\]: /);
  assert.match(msg, /harmful/, 'lists the allowed values');
});

test('unknown keys are named, at the top level and nested', () => {
  const dir = dirWith('limt: 5\nsafety:\n  sise: 3\n');
  const file = join(dir, 'trustgen.yaml');
  const msg = inputError(() => loadConfig(undefined, dir));
  assert.match(msg, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(top level\\): unknown field\\(s\\) "limt"`));
  assert.match(msg, /safety: unknown field\(s\) "sise"/);
});

test('a YAML syntax error names the file', () => {
  const dir = dirWith('models: [openai:x\nlimit: 3\n');
  const msg = inputError(() => loadConfig(undefined, dir));
  assert.ok(msg.includes(join(dir, 'trustgen.yaml')));
  assert.match(msg, /not valid YAML/);
});

test('a top-level list or scalar is rejected with what was expected', () => {
  assert.match(inputError(() => loadConfig(undefined, dirWith('- openai:x\n'))), /expected a mapping.*got a list/);
  assert.match(inputError(() => loadConfig(undefined, dirWith('just text\n'))), /expected a mapping.*got string/);
});

test('configJsonSchema is a JSON Schema object describing trustgen.yaml', () => {
  const schema = configJsonSchema() as Record<string, any>;
  assert.equal(schema.type, 'object');
  assert.match(String(schema.$schema), /json-schema\.org/);
  assert.equal(typeof schema.$id, 'string');
  for (const key of ['models', 'limit', 'concurrency', 'seed', 'judge', 'timeoutMs', 'retries', 'cache', 'params', 'safety', 'dimensions']) {
    assert.ok(key in schema.properties, `missing property ${key}`);
  }
  assert.equal(schema.additionalProperties, false, 'unknown keys are errors in editors too');
  assert.equal(schema.properties.models.type, 'array');
  assert.equal(schema.properties.models.items.type, 'string');
  assert.equal(schema.properties.limit.type, 'integer');
  assert.equal(schema.properties.safety.type, 'object');
  assert.ok('size' in schema.properties.safety.properties);
  assert.doesNotThrow(() => JSON.stringify(schema));
});
