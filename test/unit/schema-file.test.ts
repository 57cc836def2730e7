import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configJsonSchema } from '../../src/config/schema.js';

test('the published schema/trustgen.schema.json matches the config schema (regenerate with `npm run schema`)', () => {
  const published = JSON.parse(readFileSync('schema/trustgen.schema.json', 'utf8'));
  assert.deepEqual(published, JSON.parse(JSON.stringify(configJsonSchema())));
  const props = Object.keys((published as { properties: object }).properties);
  for (const k of ['models', 'dimensions', 'limit', 'concurrency', 'seed', 'judge', 'generator', 'safety', 'variation']) assert.ok(props.includes(k), k);
});
