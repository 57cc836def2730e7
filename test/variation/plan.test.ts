import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseIdentity, type Case, type ExpectedAnswer } from '../../src/core/case.js';
import { ModelCaller } from '../../src/engine/caller.js';
import { Generator } from '../../src/engine/generator.js';
import { AdaptiveLimiter } from '../../src/engine/limiter.js';
import type { ChatProvider } from '../../src/providers/types.js';
import { contentId } from '../../src/util/hash.js';
import { createRng } from '../../src/util/rng.js';
import { renderMc } from '../../src/variation/mc.js';
import { VariationConfigSchema, VariationPlanSchema, applyVariation, planVariators } from '../../src/variation/plan.js';
import { VARIATOR_IDS, expandVariatorIds } from '../../src/variation/variators.js';

const TOPICS = ['mountain', 'river', 'library', 'volcano', 'desert', 'glacier', 'harbour', 'forest'];

function makeCase(i: number, expected?: ExpectedAnswer, content?: string): Case {
  const base = {
    dimension: 'robustness', subdimension: 'text', modality: 'llm' as const,
    messages: [{ role: 'user' as const, content: content ?? `Describe the famous ${TOPICS[i % TOPICS.length]} number ${i} in detail, please.` }],
    judge: { kind: 'refusal' as const, expect: 'comply' as const }, expected,
    tags: {}, provenance: { item: { pool: 'test', id: `item-${i}` }, builder: 'template:t', variations: [], seed: 1 },
  };
  return { ...base, id: contentId(caseIdentity(base)) };
}

const CASES = Array.from({ length: 1000 }, (_, i) => makeCase(i));
const PLAN = { keepOriginal: 0.3, variators: ['perturb:*', 'persona'] };

function fakeGenerator(answer: () => string): { gen: Generator; calls: () => number } {
  let n = 0;
  const provider: ChatProvider = {
    kind: 'chat', id: 'fake:gen',
    async chat() { n++; return { text: answer(), finishReason: 'stop', latencyMs: 1 }; },
  };
  const caller = new ModelCaller(provider, {
    limiter: new AdaptiveLimiter(8), retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 5_000,
    readCache: false, scope: 'fake', signal: new AbortController().signal,
  });
  return { gen: new Generator(caller, 1), calls: () => n };
}

test('keepOriginal 0.3 keeps about 30% of 1,000 cases unchanged and varies the rest, in input order', async () => {
  const out = await applyVariation(CASES, PLAN, createRng(42));
  assert.equal(out.length, CASES.length);
  const kept = out.filter((c, i) => c === CASES[i]).length;
  assert.ok(kept >= 250 && kept <= 350, `kept ${kept} of 1000`);
  const allowed = new Set([...VARIATOR_IDS.filter((id) => id.startsWith('perturb:'))]);
  const labels = new Set<string>();
  out.forEach((c, i) => {
    assert.equal(c.provenance.item.id, CASES[i].provenance.item.id, 'order kept');
    if (c === CASES[i]) return;
    assert.equal(c.provenance.variations.length, 1);
    const label = c.provenance.variations[0];
    assert.ok(allowed.has(label) || /^persona\(.+\)$/.test(label), label);
    assert.equal(c.tags.variation, label);
    assert.equal(c.id, contentId(caseIdentity(c)));
    assert.notEqual(c.id, CASES[i].id);
    labels.add(label.replace(/\(.*\)/, ''));
  });
  assert.equal(labels.size, 14, `every variator is used: ${[...labels].join(', ')}`);
});

test('the same seed gives the same output; another seed another', async () => {
  const a = await applyVariation(CASES.slice(0, 300), PLAN, createRng(7));
  const b = await applyVariation(CASES.slice(0, 300), PLAN, createRng(7));
  const c = await applyVariation(CASES.slice(0, 300), PLAN, createRng(8));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((x) => x.id), c.map((x) => x.id));
});

test('keepOriginal 0 varies every case, 1 keeps every case', async () => {
  const some = CASES.slice(0, 100);
  const all = await applyVariation(some, { keepOriginal: 0, variators: ['persona'] }, createRng(1));
  assert.ok(all.every((c, i) => c !== some[i] && c.provenance.variations[0].startsWith('persona(')));
  const none = await applyVariation(some, { keepOriginal: 1, variators: ['persona'] }, createRng(1));
  assert.ok(none.every((c, i) => c === some[i]));
});

test('without a generator, generator variators are skipped with one log line', async () => {
  const logs: string[] = [];
  const out = await applyVariation(CASES.slice(0, 50), { keepOriginal: 0, variators: ['paraphrase', 'translation', 'persona'] }, createRng(3), undefined, (m) => logs.push(m));
  assert.equal(logs.length, 1, logs.join('\n'));
  assert.match(logs[0], /no generator.*paraphrase, translation are skipped/);
  assert.ok(out.every((c) => c.provenance.variations[0].startsWith('persona(')));
});

test('a case no variator applies to keeps its original form', async () => {
  const logs: string[] = [];
  const some = CASES.slice(0, 20);
  const out = await applyVariation(some, { keepOriginal: 0, variators: ['format:mc->tf', 'format:mc->open'] }, createRng(3), undefined, (m) => logs.push(m));
  assert.ok(out.every((c, i) => c === some[i]));
  assert.match(logs.join('\n'), /20 case\(s\) drawn for variation kept their original form/);
});

test('the rng chooses among the variators that apply to each case', async () => {
  const choices = ['Mars', 'Venus'];
  const mcCases = Array.from({ length: 40 }, (_, i) => makeCase(i, { format: 'mc', answer: 'A', choices },
    renderMc(`Which planet is red (question ${i})?`, choices)));
  const out = await applyVariation([...mcCases, ...CASES.slice(0, 40)], { keepOriginal: 0, variators: ['format:*'] }, createRng(5));
  const mcLabels = new Set(out.slice(0, 40).map((c) => c.provenance.variations[0]));
  assert.deepEqual([...mcLabels].sort(), ['format:mc->open', 'format:mc->tf']);
  assert.ok(out.slice(40).every((c, i) => c === CASES[i]), 'open-ended cases without expected: nothing applies');
});

test('a failing generator variator falls back to another variator, with a log line', async () => {
  const { gen, calls } = fakeGenerator(() => 'not json');
  const logs: string[] = [];
  const out = await applyVariation(CASES.slice(0, 30), { keepOriginal: 0, variators: ['paraphrase', 'persona'] }, createRng(11), gen, (m) => logs.push(m));
  assert.ok(out.every((c) => c.provenance.variations[0].startsWith('persona(')));
  assert.ok(calls() > 0);
  assert.match(logs.join('\n'), /variator call\(s\) failed.*paraphrase/);
});

test('with a generator, generator variators are used', async () => {
  const { gen } = fakeGenerator(() => JSON.stringify({ text: 'Give a detailed description of the famous place number 0, please.' }));
  const out = await applyVariation([CASES[0]], { keepOriginal: 0, variators: ['paraphrase'] }, createRng(1), gen);
  assert.equal(out[0].provenance.variations[0], 'paraphrase');
  assert.equal((out[0].messages[0].content as string), 'Give a detailed description of the famous place number 0, please.');
});

test('the plan schema: defaults, ranges, and errors that list the valid variator ids', () => {
  assert.deepEqual(VariationPlanSchema.parse({ variators: ['persona'] }), { keepOriginal: 0.5, variators: ['persona'] });
  assert.equal(VariationPlanSchema.safeParse({ keepOriginal: 1.5, variators: ['persona'] }).success, false);
  assert.equal(VariationPlanSchema.safeParse({ keepOriginal: 0.5, variators: [] }).success, false);
  assert.equal(VariationPlanSchema.safeParse({ variators: ['persona'], extra: 1 }).success, false);
  const bad = VariationPlanSchema.safeParse({ variators: ['persona', 'perturb:typo'] });
  assert.equal(bad.success, false);
  const msg = bad.error!.issues.map((i) => i.message).join('\n');
  assert.match(msg, /unknown variator\(s\) "perturb:typo"; valid ids: paraphrase, lengthen, shorten, translation, persona, format:mc->tf/);
  assert.match(msg, /perturb:rare_synonyms/);
  const lang = VariationPlanSchema.safeParse({ variators: ['translation'], languages: ['fr', 'xx'] });
  assert.match(lang.error!.issues[0].message, /unknown language\(s\) xx/);
  const config = VariationConfigSchema.parse({ robustness: { keepOriginal: 0.2, variators: ['perturb:*'] }, safety: { variators: ['format:*'] } });
  assert.equal(config.safety.keepOriginal, 0.5);
  assert.equal(expandVariatorIds(config.robustness.variators).length, 13);
  assert.throws(() => expandVariatorIds(['perturb:typo']), /unknown variator\(s\) "perturb:typo"/);
  assert.equal(planVariators({ variators: ['translation'], languages: ['it'] })[0].description.includes('it'), true);
});
