import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  JAILBREAK_IDS, INJECTION_ATTACK_IDS, SafetyDataError, clearSafetyDataCache, loadSafetyData,
} from '../../src/attacks/safety-data.js';
import { dataPath } from '../../src/util/paths.js';

const data = loadSafetyData();

test('taxonomy: 3 groups, >= 40 topics (>= 12 per group), each with >= 3 seeds and a translated seed', () => {
  assert.deepEqual(data.taxonomy.groups.map((g) => g.id), ['hate', 'inappropriate', 'crime']);
  const topics = data.taxonomy.groups.flatMap((g) => g.topics);
  assert.ok(topics.length >= 40, `only ${topics.length} topics`);
  for (const g of data.taxonomy.groups) assert.ok(g.topics.length >= 12, `${g.id} has ${g.topics.length} topics`);
  const ids = new Set<string>();
  const texts = new Set<string>();
  for (const t of topics) {
    assert.match(t.id, /^[a-z][a-z0-9_]*$/);
    assert.ok(!ids.has(t.id), `duplicate topic ${t.id}`);
    ids.add(t.id);
    assert.ok(t.name && t.description, t.id);
    assert.ok(t.seeds.length >= 3, `${t.id} has ${t.seeds.length} seeds`);
    for (const s of t.seeds) {
      assert.ok(s.text.length > 10);
      assert.ok(!texts.has(s.text), `duplicate seed ${s.text}`);
      texts.add(s.text);
    }
    const translated = t.seeds.filter((s) => s.translations);
    assert.ok(translated.length >= 1, `${t.id} has no translated seed`);
    for (const s of translated) {
      for (const lang of ['fr', 'es', 'de', 'zh']) {
        const tr = s.translations?.[lang];
        assert.ok(tr && tr.length > 5 && tr !== s.text, `${t.id}: bad ${lang} translation`);
      }
    }
  }
});

test('jailbreaks: the 16 fixed methods with the pools they need', () => {
  assert.equal(JAILBREAK_IDS.length, 16);
  assert.deepEqual(new Set(data.jailbreaks.methods.map((m) => m.id)), new Set(JAILBREAK_IDS));
  const by = (id: string) => data.jailbreaks.methods.find((m) => m.id === id)!;
  for (const m of data.jailbreaks.methods) {
    assert.ok(m.name && m.description, m.id);
    if (m.id !== 'persuasion') assert.ok(m.templates.length >= 1, m.id);
  }
  assert.ok(by('few_shot').examples!.length >= 3);
  assert.ok(by('multi_task').side_tasks!.length >= 4);
  assert.ok(by('role_playing').personas!.length >= 3);
  assert.ok(by('style_injection').style_rules!.length >= 4);
  assert.ok(by('scenario').templates.length >= 2);
  assert.deepEqual(Object.keys(by('translation').languages!).sort(), ['de', 'es', 'fr', 'zh']);
});

test('persuasion: >= 12 techniques, each with a {query} template', () => {
  assert.ok(data.persuasion.techniques.length >= 12);
  for (const t of data.persuasion.techniques) {
    assert.ok(t.definition.length > 10, t.id);
    assert.ok(t.templates.length >= 1 && t.templates.every((x) => x.includes('{query}')), t.id);
  }
});

test('exaggerated: the 8 techniques with >= 10 distinct questions each', () => {
  assert.deepEqual(data.exaggerated.techniques.map((t) => t.id), [
    'homonyms', 'real_discrimination_nonsense_group', 'nonsense_discrimination_real_group', 'historical_events',
    'figurative_language', 'safe_contexts', 'safe_targets', 'definitions',
  ]);
  for (const t of data.exaggerated.techniques) {
    assert.ok(t.questions.length >= 10, t.id);
    assert.equal(new Set(t.questions).size, t.questions.length, `${t.id} repeats a question`);
  }
});

test('injection: >= 10 tasks, >= 6 canary injections, the 5 attacks', () => {
  assert.ok(data.injection.tasks.length >= 10);
  assert.ok(data.injection.injections.length >= 6);
  for (const i of data.injection.injections) assert.equal(i.text.split('{canary}').length, 2, i.id);
  assert.deepEqual(data.injection.attacks.map((a) => a.id), [...INJECTION_ATTACK_IDS]);
});

test('loading is cached per folder', () => {
  assert.equal(loadSafetyData(dataPath('safety')), data);
  assert.ok(Object.isFrozen(data.taxonomy.groups[0]));
});

/** Copies data/safety to a temp folder, lets `edit` break one file, returns the load error. */
function loadBroken(file: string, edit: (doc: any) => unknown): SafetyDataError {
  const dir = mkdtempSync(join(tmpdir(), 'trustgen-safety-'));
  try {
    cpSync(dataPath('safety'), dir, { recursive: true });
    const path = join(dir, file);
    const doc = parse(readFileSync(path, 'utf8'));
    const out = edit(doc);
    writeFileSync(path, typeof out === 'string' ? out : stringify(doc));
    clearSafetyDataCache();
    let caught: unknown;
    try { loadSafetyData(dir); } catch (err) { caught = err; }
    assert.ok(caught instanceof SafetyDataError, `expected a SafetyDataError, got ${String(caught)}`);
    return caught;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a topic with too few seeds names the file and the field path', () => {
  const err = loadBroken('taxonomy.yaml', (doc) => { doc.groups[1].topics[3].seeds.splice(2); });
  assert.match(err.message, /taxonomy\.yaml: groups\[1\]\.topics\[3\]\.seeds: expected at least 3 items, got 2/);
  assert.match(err.file, /taxonomy\.yaml$/);
});

test('a wrong type, a missing field and an unknown field are each named', () => {
  const err = loadBroken('taxonomy.yaml', (doc) => {
    doc.groups[0].topics[2].seeds[1] = 42;
    delete doc.groups[2].topics[0].name;
    doc.groups[2].topics[1].seedz = [];
  });
  assert.match(err.message, /groups\[0\]\.topics\[2\]\.seeds\[1\]: expected a string or an object \{text, translations\}, got number 42/);
  assert.match(err.message, /groups\[2\]\.topics\[0\]\.name: expected a string, got nothing/);
  assert.match(err.message, /groups\[2\]\.topics\[1\]: unexpected field "seedz"/);
});

test('a translation missing a language is named', () => {
  const err = loadBroken('taxonomy.yaml', (doc) => { delete doc.groups[0].topics[0].seeds[0].translations.zh; });
  assert.match(err.message, /taxonomy\.yaml: groups\[0\]\.topics\[0\]\.seeds\[0\]\.translations\.zh: expected a string/);
});

test('a duplicate topic id is reported', () => {
  const err = loadBroken('taxonomy.yaml', (doc) => { doc.groups[2].topics[4].id = doc.groups[0].topics[0].id; });
  assert.match(err.message, /groups\[2\]\.topics\[4\]\.id: duplicate topic id "racial_hatred"/);
});

test('YAML syntax errors name the file and the line', () => {
  const err = loadBroken('exaggerated.yaml', () => 'techniques:\n  - id: homonyms\n    questions: [unclosed\n');
  assert.match(err.message, /exaggerated\.yaml: line \d+, column \d+: YAML syntax error/);
});

test('a jailbreak template without its placeholder, and a missing method, are reported', () => {
  const err = loadBroken('jailbreaks.yaml', (doc) => {
    doc.methods[1].templates[0] = 'Think step by step.';
    doc.methods = doc.methods.filter((m: { id: string }) => m.id !== 'typos');
  });
  assert.match(err.message, /jailbreaks\.yaml: methods\[1\]\.templates\[0\]: expected placeholder \{query\}/);
  assert.match(err.message, /jailbreaks\.yaml: methods: missing jailbreak methods: typos/);
});

test('an injection without its canary placeholder is reported', () => {
  const err = loadBroken('injection.yaml', (doc) => { doc.injections[2].text = 'Say hello.'; });
  assert.match(err.message, /injection\.yaml: injections\[2\]\.text: expected the placeholder \{canary\} exactly once, got 0/);
});

test('a missing file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustgen-safety-'));
  try {
    clearSafetyDataCache();
    assert.throws(() => loadSafetyData(dir), (e: unknown) => e instanceof SafetyDataError && /taxonomy\.yaml: cannot read the file \(ENOENT\)/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
