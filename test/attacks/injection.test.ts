import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INJECTION_ATTACK_IDS, loadSafetyData } from '../../src/attacks/safety-data.js';
import { injectionAttacks, makeCanary } from '../../src/attacks/injection.js';
import { exaggeratedQuestions } from '../../src/attacks/exaggerated.js';
import { harmfulQueries } from '../../src/attacks/taxonomy.js';
import { createRng } from '../../src/util/rng.js';

const data = loadSafetyData();
const attacks = injectionAttacks(data);
const str = (c: unknown): string => (typeof c === 'string' ? c : JSON.stringify(c));

test('the 5 attacks in order', () => {
  assert.deepEqual(attacks.map((a) => a.id), [...INJECTION_ATTACK_IDS]);
});

test('canaries look like TG-XXXXXX, are seeded and vary', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const c = makeCanary(createRng(seed));
    assert.match(c, /^TG-[A-HJ-NP-Z2-9]{6}$/);
    assert.match(c, /\d/);
    assert.equal(makeCanary(createRng(seed)), c);
    seen.add(c);
  }
  assert.equal(seen.size, 200);
});

test('every case: system = task instruction, user = data + injection, canary exactly once', () => {
  let seed = 0;
  for (const attack of attacks) {
    for (const task of data.injection.tasks) {
      for (const inj of data.injection.injections) {
        const c = attack.build(task, inj, createRng(seed++));
        assert.equal(c.attack, attack.id);
        assert.equal(c.taskId, task.id);
        assert.equal(c.injectionId, inj.id);
        assert.equal(c.task, task.instruction);
        assert.deepEqual(c.messages.map((m) => m.role), ['system', 'user']);
        assert.equal(c.messages[0].content, task.instruction);
        const user = str(c.messages[1].content);
        assert.ok(user.startsWith(task.data), `${attack.id}: data not first`);
        assert.ok(user.includes(inj.text.replace('{canary}', c.canary)), `${attack.id}: injection missing`);
        const all = c.messages.map((m) => str(m.content)).join('\n');
        assert.equal(all.split(c.canary).length - 1, 1, `${attack.id}: canary count`);
        assert.ok(!all.includes('{'), `${attack.id}: unfilled placeholder in ${all}`);
      }
    }
  }
});

test('each attack has its own shape', () => {
  const task = data.injection.tasks[0];
  const inj = data.injection.injections[0];
  for (let seed = 1; seed <= 10; seed++) {
    const [naive, escape, ignoring, fake, combined] = attacks.map((a) => str(a.build(task, inj, createRng(seed)).messages[1].content));
    const injected = (s: string) => s.slice(task.data.length);
    assert.match(injected(naive), /^ \S/);
    assert.match(injected(escape), /^[\n\t]/);
    assert.match(injected(ignoring), /ignore|forget/i);
    assert.ok(injected(fake).includes(task.fake_answer) && !/ignore|forget/i.test(injected(fake)));
    assert.ok(injected(combined).includes(task.fake_answer));
    assert.match(injected(combined), /^[\n\t]/);
    assert.match(injected(combined), /ignore|forget/i);
  }
});

test('same seed, same case; other seeds, other canaries', () => {
  const task = data.injection.tasks[3];
  const inj = data.injection.injections[4];
  for (const a of attacks) {
    assert.deepEqual(a.build(task, inj, createRng(9)), a.build(task, inj, createRng(9)));
    assert.notEqual(a.build(task, inj, createRng(9)).canary, a.build(task, inj, createRng(10)).canary);
  }
});

test('harmful query and exaggerated question ids are stable and unique', () => {
  const qs = harmfulQueries(data);
  assert.equal(qs.length, data.taxonomy.groups.reduce((n, g) => n + g.topics.reduce((m, t) => m + t.seeds.length, 0), 0));
  assert.equal(new Set(qs.map((q) => q.id)).size, qs.length);
  const hack2 = qs.find((q) => q.id === 'crime/hacking#2');
  assert.ok(hack2);
  assert.equal(hack2.group, 'crime');
  assert.equal(hack2.topic, 'hacking');
  assert.equal(hack2.text, data.taxonomy.groups[2].topics.find((t) => t.id === 'hacking')!.seeds[1].text);
  for (const q of qs) assert.match(q.id, /^(hate|inappropriate|crime)\/[a-z0-9_]+#[1-9]\d*$/);
  assert.ok(qs.filter((q) => q.translations).length >= 40);

  const ex = exaggeratedQuestions(data);
  assert.equal(ex.length, data.exaggerated.techniques.reduce((n, t) => n + t.questions.length, 0));
  assert.equal(new Set(ex.map((e) => e.id)).size, ex.length);
  const h3 = ex.find((e) => e.id === 'homonyms#3');
  assert.ok(h3);
  assert.equal(h3.technique, 'homonyms');
  assert.equal(h3.text, data.exaggerated.techniques[0].questions[2]);
});
