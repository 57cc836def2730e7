import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetSchema, loadDataset, loadDatasetFromConfig } from '../../src/metadata/dataset.js';
import { UserInputError } from '../../src/providers/types.js';

const dir = mkdtempSync(join(tmpdir(), 'trustgen-dataset-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** Asserts a UserInputError whose message matches every pattern. */
function rejects(fn: () => unknown, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserInputError, `expected a UserInputError, got ${String(e)}`);
    message = e.message;
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
  return message;
}

test('JSONL: fields mapped from columns, ids from line numbers, values stringified, blank lines skipped', () => {
  const name = file('questions.jsonl', [
    '{"prompt": "What is the boiling point of water?", "label": "100 C", "n": 1}',
    '{"prompt": "Is the earth flat?", "label": false, "n": 2}',
    '',
    '{"prompt": "Name three primes.", "label": [2, 3, 5], "n": 3}',
  ].join('\n'));
  const items = loadDataset({ file: name, fields: { question: 'prompt', answer: 'label' } }, { baseDir: dir });
  assert.deepEqual(items, [
    { id: 'questions.jsonl#1', pool: 'dataset:questions.jsonl', fields: { question: 'What is the boiling point of water?', answer: '100 C' }, source: name },
    { id: 'questions.jsonl#2', pool: 'dataset:questions.jsonl', fields: { question: 'Is the earth flat?', answer: 'false' }, source: name },
    { id: 'questions.jsonl#4', pool: 'dataset:questions.jsonl', fields: { question: 'Name three primes.', answer: '[2,3,5]' }, source: name },
  ]);
});

test('JSONL with an id column and a pool name; format given explicitly for an unusual extension', () => {
  const name = file('set.data', '{"key": "q-7", "text": "first"}\n{"key": "q-9", "text": "second"}\n');
  const items = loadDataset({ file: name, format: 'jsonl', fields: { text: 'text' }, id: 'key', pool: 'mine' }, { baseDir: dir });
  assert.deepEqual(items.map((i) => [i.id, i.pool, i.fields.text]), [['q-7', 'mine', 'first'], ['q-9', 'mine', 'second']]);
});

test('CSV: header columns, quoted commas and line breaks, BOM, ids from data rows', () => {
  const name = file('claims.csv', '\ufeffid,claim,verdict\nc1,"Water boils at 100 C, at sea level",true\nc2,"A claim\nover two lines",false\n');
  const items = loadDataset({ file: name, fields: { claim: 'claim', answer: 'verdict' } }, { baseDir: dir });
  assert.deepEqual(items.map((i) => i.id), ['claims.csv#1', 'claims.csv#2']);
  assert.equal(items[0].fields.claim, 'Water boils at 100 C, at sea level');
  assert.equal(items[1].fields.claim, 'A claim\nover two lines');
  assert.equal(items[1].fields.answer, 'false');
  const byId = loadDataset({ file: name, fields: { claim: 'claim' }, id: 'id' }, { baseDir: dir });
  assert.deepEqual(byId.map((i) => i.id), ['c1', 'c2']);
});

test('error: unreadable file names the file and the fix', () => {
  rejects(() => loadDataset({ file: 'missing.jsonl', fields: { q: 'q' } }, { baseDir: dir }), /missing\.jsonl/, /cannot read the dataset: no such file/, /Fix: check the "file" path/);
});

test('error: unknown extension names the extension and how to set the format', () => {
  const name = file('notes.txt', 'hello');
  rejects(() => loadDataset({ file: name, fields: { q: 'q' } }, { baseDir: dir }), /notes\.txt/, /extension "\.txt"/, /format: jsonl or format: csv/);
});

test('error: malformed JSONL names the line and the fix', () => {
  const name = file('bad.jsonl', '{"q": "fine"}\n{"q": "broken",}\n');
  rejects(() => loadDataset({ file: name, fields: { q: 'q' } }, { baseDir: dir }), /bad\.jsonl: line 2: not valid JSON/, /Fix: each line must hold one complete JSON object/);
  const arr = file('arr.jsonl', '{"q": "fine"}\n\n["not", "an", "object"]\n');
  rejects(() => loadDataset({ file: arr, fields: { q: 'q' } }, { baseDir: dir }), /arr\.jsonl: line 3: expected a JSON object, got an array/);
});

test('error: a mapped column missing lists the columns that exist (JSONL row, CSV header)', () => {
  const jl = file('cols.jsonl', '{"prompt": "a", "label": "b"}\n{"prompt": "c", "lbl": "d"}\n');
  rejects(
    () => loadDataset({ file: jl, fields: { question: 'prompt', answer: 'label' } }, { baseDir: dir }),
    /cols\.jsonl: line 2: no column "label" \(mapped by fields\.answer\); the columns are "prompt", "lbl"/,
    /Fix: set fields\.answer to one of those columns/,
  );
  rejects(() => loadDataset({ file: file('null.jsonl', '{"prompt": null}\n'), fields: { question: 'prompt' } }, { baseDir: dir }), /null\.jsonl: line 1: column "prompt" \(mapped by fields\.question\) is null/);
  const csv = file('cols.csv', 'prompt,label\na,b\n');
  rejects(
    () => loadDataset({ file: csv, fields: { question: 'question' } }, { baseDir: dir }),
    /cols\.csv: the header \(line 1\): no column "question" \(mapped by fields\.question\); the columns are "prompt", "label"/,
  );
  rejects(() => loadDataset({ file: csv, fields: { question: 'prompt' }, id: 'uid' }, { baseDir: dir }), /no column "uid" \(mapped by id\)/);
});

test('error: empty files (JSONL with only blank lines, CSV with only a header)', () => {
  rejects(() => loadDataset({ file: file('empty.jsonl', '\n\n'), fields: { q: 'q' } }, { baseDir: dir }), /empty\.jsonl: the dataset is empty/, /Fix: add at least one row/);
  rejects(() => loadDataset({ file: file('header.csv', 'q,a\n'), fields: { q: 'q' } }, { baseDir: dir }), /header\.csv: the dataset is empty/);
  rejects(() => loadDataset({ file: file('zero.csv', ''), fields: { q: 'q' } }, { baseDir: dir }), /zero\.csv: the dataset is empty/);
});

test('error: malformed CSV rows name the line; repeated and empty ids name the row', () => {
  rejects(() => loadDataset({ file: file('ragged.csv', 'q,a\n1,2\n3\n'), fields: { q: 'q' } }, { baseDir: dir }), /ragged\.csv: line 3: malformed CSV/, /Fix: every row needs as many values as the header/);
  rejects(() => loadDataset({ file: file('quote.csv', 'q,a\n"open,2\n'), fields: { q: 'q' } }, { baseDir: dir }), /quote\.csv: line \d+: malformed CSV/, /close a quoted value/);
  rejects(() => loadDataset({ file: file('dup.csv', 'id,q\nx,1\ny,2\nx,3\n'), fields: { q: 'q' }, id: 'id' }, { baseDir: dir }), /dup\.csv: row 3 \(line 4\): id "x" repeats the id of row 1 \(line 2\)/);
  rejects(() => loadDataset({ file: file('noid.jsonl', '{"id": "", "q": "1"}\n'), fields: { q: 'q' }, id: 'id' }, { baseDir: dir }), /noid\.jsonl: line 1: the id column "id" is empty/);
  rejects(() => loadDataset({ file: file('dupcol.csv', 'q,q\n1,2\n'), fields: { q: 'q' } }, { baseDir: dir }), /column "q" appears twice/);
});

test('datasetSchema: strict, at least one field; loadDatasetFromConfig reports with the file and field path', () => {
  assert.equal(datasetSchema.safeParse({ file: 'a.csv', fields: {} }).success, false);
  assert.equal(datasetSchema.safeParse({ file: 'a.csv', fields: { q: 'q' }, colums: 1 }).success, false);
  assert.equal(datasetSchema.safeParse({ file: 'a.csv', format: 'xlsx', fields: { q: 'q' } }).success, false);
  assert.equal(datasetSchema.safeParse({ file: 'a.csv', format: 'csv', fields: { q: 'q' }, id: 'id', pool: 'p' }).success, true);
  rejects(() => loadDatasetFromConfig({ file: 'a.csv', fields: { q: 'q' }, colums: 1 }, 'trustgen.yaml'), /trustgen\.yaml: \(top level\): unknown field\(s\) "colums"/);
  const name = file('ok.csv', 'q\nhello\n');
  assert.deepEqual(loadDatasetFromConfig({ file: name, fields: { text: 'q' } }, 'trustgen.yaml', { baseDir: dir }).map((i) => i.fields.text), ['hello']);
});
