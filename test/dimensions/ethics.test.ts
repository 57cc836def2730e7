import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Case } from '../../src/core/case.js';
import { buildCases } from '../../src/engine/build-stage.js';
import { matchCaseJudge } from '../../src/judges/answer-judges.js';
import { UserInputError } from '../../src/providers/types.js';
import { ETHICS_FILES, validateEthicsFile, type EthicsFile } from '../../src/dimensions/ethics/data.js';
import { dataPath } from '../../src/util/paths.js';
import { startOpenAIServer, type AnswerRequest, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, runCli, tempHome } from '../e2e/cli.js';

const ALPHA = 'ABCDEFGHIJ';
const SUBS = ['action_judgement', 'moral_choice', 'ethical_theories', 'social_norms', 'cultural_knowledge'];
const build = async (seed = 42, options: Record<string, unknown> = {}) =>
  buildCases({ dimensions: ['ethics'], seed, limit: null, options: { ethics: options }, log: () => {} });
const of = (cases: Case[], sub: string) => cases.filter((c) => c.subdimension === sub);
const countBy = (cases: Case[], key: (c: Case) => string) => cases.reduce<Record<string, number>>((a, c) => ({ ...a, [key(c)]: (a[key(c)] ?? 0) + 1 }), {});

/** The right answer to a case, written as a model would. */
function rightAnswer(c: Case): string {
  const e = c.expected!;
  if (e.format === 'mc') return `${e.answer}) ${e.choices![ALPHA.indexOf(e.answer)]}`;
  if (e.format === 'tf') return e.answer === 'true' ? 'True.' : 'False.';
  return `${e.answer}.`;
}

/** A wrong answer to a case. */
function wrongAnswer(c: Case): string {
  const e = c.expected!;
  if (e.format === 'mc') return `The answer is ${e.answer === 'A' ? 'B' : 'A'}.`;
  if (e.format === 'tf') return e.answer === 'true' ? 'False.' : 'True.';
  return e.choices!.find((x) => x !== e.answer)!;
}

const REFUSAL = "I'm sorry, but I can't help with that.";
const round1 = (x: number) => Math.round(x * 10) / 10;

describe('ethics: case building', () => {
  it('builds at least 100 cases at the default size, 30 per sub-dimension, every label, setting, theory and region drawn', async () => {
    const { cases } = await build();
    assert.equal(cases.length, 150);
    for (const s of SUBS) assert.equal(of(cases, s).length, 30, s);
    assert.deepEqual(countBy(of(cases, 'action_judgement'), (c) => c.tags.verdict), { good: 10, neutral: 10, bad: 10 });
    assert.deepEqual(Object.keys(countBy(of(cases, 'ethical_theories'), (c) => c.tags.theory)).sort(), ['deontology', 'justice', 'utilitarianism', 'virtue']);
    assert.equal(Object.keys(countBy(of(cases, 'moral_choice'), (c) => c.tags.setting)).length, 6);
    assert.equal(Object.keys(countBy(of(cases, 'cultural_knowledge'), (c) => c.tags.region)).length, 8);
    const norms = countBy(of(cases, 'social_norms'), (c) => c.tags.verdict);
    assert.ok(Math.abs(norms.acceptable - norms.unacceptable) <= 2, `acceptable/unacceptable balanced: ${JSON.stringify(norms)}`);
  });

  it('balances the position of the right option, so always answering "A" cannot score well', async () => {
    const { cases } = await build();
    assert.deepEqual(countBy(of(cases, 'moral_choice'), (c) => c.expected!.answer), { A: 15, B: 15 });
    const cultural = countBy(of(cases, 'cultural_knowledge'), (c) => c.expected!.answer);
    for (const l of 'ABCD') assert.ok(cultural[l] >= 7 && cultural[l] <= 8, `cultural ${l}: ${cultural[l]}`);
    const tf = countBy(of(cases, 'ethical_theories').filter((c) => c.expected!.format === 'tf'), (c) => c.expected!.answer);
    assert.ok(tf.true > 0 && tf.false > 0, 'true/false items of both answers');
  });

  it('is deterministic by seed, and another seed draws another sample', async () => {
    const a = (await build(42)).cases.map((c) => c.id);
    const b = (await build(42)).cases.map((c) => c.id);
    const c = (await build(7)).cases.map((x) => x.id);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(new Set(a).size, a.length, 'case ids are unique');
  });

  it('every case is well formed: one user turn, a known answer within its options, provenance from the data file', async () => {
    const { cases } = await build();
    for (const c of cases) {
      const where = `${c.subdimension} ${c.provenance.item.id}`;
      assert.equal(c.dimension, 'ethics');
      assert.deepEqual(c.judge, { kind: 'match' }, where);
      assert.deepEqual(c.messages.map((m) => m.role), ['user'], where);
      const e = c.expected!;
      const text = c.messages[0].content as string;
      if (e.format === 'mc') {
        assert.ok(e.choices && e.choices.length >= 2, where);
        assert.ok(ALPHA.indexOf(e.answer) >= 0 && ALPHA.indexOf(e.answer) < e.choices!.length, where);
        assert.equal(new Set(e.choices).size, e.choices!.length, `${where}: options differ`);
        e.choices!.forEach((choice, i) => assert.ok(text.includes(`${ALPHA[i]}) ${choice}`), `${where}: option ${ALPHA[i]} shown`));
      } else if (e.format === 'tf') {
        assert.ok(e.answer === 'true' || e.answer === 'false', where);
        assert.match(text, /true or false/i);
      } else {
        assert.equal(e.format, 'label', where);
        assert.ok(e.choices!.includes(e.answer), where);
        for (const l of e.choices!) assert.ok(text.includes(l), `${where}: label ${l} offered`);
      }
      assert.equal(c.provenance.builder, 'template:ethics');
      assert.equal(c.provenance.seed, 42);
      assert.deepEqual(c.provenance.variations, []);
      assert.match(c.provenance.item.source!, /^data\/ethics\/[a-z-]+\.yaml$/);
      assert.ok(c.provenance.item.text && text.includes(c.provenance.item.text.slice(0, 20)), `${where}: provenance text is the item`);
    }
    const virtue = of(cases, 'ethical_theories').filter((c) => c.tags.theory === 'virtue');
    assert.ok(virtue.every((c) => c.expected!.choices!.length === 4));
    const util = of(cases, 'ethical_theories').filter((c) => c.tags.theory === 'utilitarianism');
    assert.ok(util.every((c) => c.expected!.choices!.length === 2));
  });

  it('takes size and subdimensions from the config, and names an unknown sub-dimension', async () => {
    const { cases } = await build(42, { size: 40, subdimensions: ['moral_choice', 'cultural_knowledge'] });
    assert.deepEqual(countBy(cases, (c) => c.subdimension), { moral_choice: 20, cultural_knowledge: 20 });
    const big = await build(42, { size: 1000 });
    assert.equal(of(big.cases, 'ethical_theories').length, 48, 'a size beyond the pool uses each seed item once, never repeats');
    await assert.rejects(build(42, { subdimensions: ['trolley'] }), (e: Error) => e instanceof UserInputError && /ethics\.subdimensions: unknown sub-dimension "trolley"/.test(e.message));
  });
});

describe('ethics: data files', () => {
  const read = (f: EthicsFile) => readFileSync(dataPath('ethics', f), 'utf8');

  it('every shipped file passes its schema', () => {
    for (const f of Object.keys(ETHICS_FILES) as EthicsFile[]) validateEthicsFile(f, read(f));
  });

  it('a broken copy gives an error naming the file and the field', () => {
    const badLabel = read('actions.yaml').replace('label: bad,', 'label: terrible,');
    assert.throws(() => validateEthicsFile('actions.yaml', badLabel, 'my-actions.yaml'), (e: Error) => e instanceof UserInputError && /^my-actions\.yaml: actions\[\d+\]\.label: /m.test(e.message));
    const sameOption = read('cultural.yaml').replace('distractors: ["7", "18", "21"]', 'distractors: ["13", "18", "21"]');
    assert.throws(() => validateEthicsFile('cultural.yaml', sameOption), (e: Error) => /^data\/ethics\/cultural\.yaml: customs\[\d+\]\.distractors: the right option and the three distractors must all differ/m.test(e.message));
    const noAnswer = read('theories.yaml').replace(/reasonable: true \}/, '}');
    assert.throws(() => validateEthicsFile('theories.yaml', noAnswer), (e: Error) => /theories\.yaml: deontology\[0\]\.reasonable: /.test(e.message));
    const dup = read('moral-choices.yaml').replace('id: stolen-answers', 'id: double-pay');
    assert.throws(() => validateEthicsFile('moral-choices.yaml', dup), (e: Error) => /moral-choices\.yaml: choices\[1\]\.id: duplicate id "double-pay"/.test(e.message));
  });
});

describe('ethics: offline judging of hand-written answers', () => {
  let cases: Case[] = [];
  before(async () => { cases = (await build()).cases; });
  const find = (f: (c: Case) => boolean) => { const c = cases.find(f); assert.ok(c); return c!; };
  const judge = (c: Case, text: string) => matchCaseJudge.judge(c, { text, finishReason: 'stop' }) as { label: string; score: number; answer?: string | null };

  it('a label case: the right label passes, a wrong one, a refusal and a hedge fail', () => {
    const bad = find((c) => c.subdimension === 'action_judgement' && c.expected!.answer === 'BAD');
    assert.deepEqual([judge(bad, 'BAD').score, judge(bad, 'Bad. It harms other people.').score], [1, 1]);
    assert.equal(judge(bad, 'BAD').answer, 'BAD');
    assert.equal(judge(bad, 'NEUTRAL').score, 0);
    const refused = judge(bad, "I'm sorry, but I can't make moral judgements about that.");
    assert.deepEqual([refused.label, refused.score], ['refused', 0], 'a refusal is no answer: it fails');
    assert.equal(judge(bad, 'It depends on the context: it could be good or bad.').score, 0, 'a hedge commits to nothing');
    const neutral = find((c) => c.subdimension === 'action_judgement' && c.expected!.answer === 'NEUTRAL');
    assert.equal(judge(neutral, 'This action is neither good nor bad; it is NEUTRAL.').score, 1, '"neither good nor bad" names neither');
    assert.equal(judge(neutral, 'The action is morally neutral.').score, 1);
    const norm = find((c) => c.subdimension === 'social_norms' && c.expected!.answer === 'UNACCEPTABLE');
    assert.equal(judge(norm, 'UNACCEPTABLE').score, 1);
    assert.equal(judge(norm, 'This is unacceptable behaviour.').score, 1);
    assert.equal(judge(norm, 'ACCEPTABLE').score, 0);
  });

  it('a multiple-choice case: the right letter or option text passes; the other option fails', () => {
    const c = find((x) => x.subdimension === 'moral_choice');
    const e = c.expected!;
    const other = e.answer === 'A' ? 'B' : 'A';
    assert.equal(judge(c, `The answer is ${e.answer}.`).score, 1);
    assert.equal(judge(c, e.choices![ALPHA.indexOf(e.answer)]).score, 1, 'the option text alone counts');
    assert.equal(judge(c, `${other})`).score, 0);
    assert.equal(judge(c, REFUSAL).score, 0);
    const virtue = find((x) => x.tags.theory === 'virtue');
    assert.equal(judge(virtue, rightAnswer(virtue)).score, 1);
    assert.equal(judge(virtue, wrongAnswer(virtue)).score, 0);
  });

  it('a true/false case: the right truth value passes, the opposite and a hedge fail', () => {
    for (const answer of ['true', 'false']) {
      const c = find((x) => x.expected!.format === 'tf' && x.expected!.answer === answer);
      assert.equal(judge(c, rightAnswer(c)).score, 1);
      assert.equal(judge(c, wrongAnswer(c)).score, 0);
      assert.equal(judge(c, 'Some would say true, others false.').score, 0);
    }
  });
});

describe('ethics: scores against a local OpenAI-compatible server', { timeout: 180_000 }, () => {
  let server: TestServer;
  let built: Case[] = [];
  const byPrompt = new Map<string, Case>();

  /** right: every answer right. always-a: answers "A". always-true: answers "True.". refuser: declines everything. */
  function answer(req: AnswerRequest): string {
    if (req.model === 'gen') return generatorAnswer(req.lastUser);
    const c = byPrompt.get(req.lastUser);
    if (!c) return 'unexpected request';
    if (req.model === 'right') return rightAnswer(c);
    if (req.model === 'always-a') return 'A';
    if (req.model === 'always-true') return 'True.';
    return REFUSAL;
  }

  before(async () => {
    built = (await build(42)).cases;
    for (const c of built) byPrompt.set(c.messages[0].content as string, c);
    server = await startOpenAIServer({ answer });
  });
  after(async () => { await server.close(); });

  it('scores 100 for right answers, the exact share of "A" and "true" answers, and 0 for refusals', async () => {
    const home = tempHome();
    const out = join(home, 'out');
    const models = ['right', 'always-a', 'always-true', 'refuser'];
    const r = await runCli(['run', ...models.flatMap((m) => ['--model', `openai:${m}`]), '--dimensions', 'ethics', '--seed', '42', '--out', out],
      cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' }));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const sub = (m: string) => doc.details[`openai:${m}`].ethics.subdimensions;

    assert.equal(doc.scores['openai:right'].ethics, 100);
    for (const s of SUBS) {
      assert.equal(sub('right')[s].value, 100, s);
      assert.equal(sub('right')[s].n, 30, s);
      assert.equal(sub('refuser')[s].value, 0, `a refusal is no answer (${s})`);
    }
    assert.equal(doc.scores['openai:refuser'].ethics, 0);

    // "A" is right exactly where the right option is first: A in multiple choice, the first label (GOOD, ACCEPTABLE)
    const share = (s: string, right: (c: Case) => boolean) => round1((100 * of(built, s).filter(right).length) / of(built, s).length);
    const isA = (c: Case) => (c.expected!.format === 'mc' && c.expected!.answer === 'A') || (c.expected!.format === 'label' && c.expected!.answer === c.expected!.choices![0]);
    const isTrue = (c: Case) => c.expected!.format === 'tf' && c.expected!.answer === 'true';
    for (const s of SUBS) {
      assert.equal(sub('always-a')[s].value, share(s, isA), `always-a ${s}`);
      assert.equal(sub('always-true')[s].value, share(s, isTrue), `always-true ${s}`);
    }
    assert.equal(sub('always-a').moral_choice.value, 50, 'two options balanced 15/15');
    assert.equal(sub('always-a').action_judgement.value, 33.3, 'GOOD is one of three balanced labels');
    assert.equal(sub('always-a').ethical_theories.breakdown.theory.deontology.value, 0, '"A" is no true/false answer');
    assert.equal(sub('always-true').ethical_theories.breakdown.theory.virtue.value, 0);
    assert.equal(sub('always-true').cultural_knowledge.value, 0);
    const mean = (m: string) => round1(SUBS.map((s) => sub(m)[s].value as number).reduce((a, b) => a + b, 0) / SUBS.length);
    assert.ok(Math.abs(doc.scores['openai:always-a'].ethics - mean('always-a')) <= 0.1, 'the dimension score is the mean of its sub-dimensions');
    assert.ok(doc.scores['openai:always-a'].ethics < 50);

    const mine = server.requests.filter((q) => q.model === 'right');
    assert.equal(mine.length, 150);
    assert.ok(mine.every((q) => q.body.messages.length === 1 && q.body.messages[0].role === 'user'));
  });

  it('trustgen list dimensions --json describes ethics', async () => {
    const r = await runCli(['list', 'dimensions', '--json'], cleanEnv({ TRUSTGEN_HOME: tempHome() }));
    assert.equal(r.code, 0, r.stderr);
    const d = (JSON.parse(r.stdout) as { id: string; subdimensions: { id: string; metric: string; facet?: string }[]; modalities: string[]; judgeKinds: string[] }[]).find((x) => x.id === 'ethics')!;
    assert.deepEqual(d.subdimensions.map((s) => s.id), SUBS);
    assert.deepEqual(d.subdimensions.map((s) => s.facet), ['verdict', 'setting', 'theory', 'setting', 'region']);
    assert.ok(d.subdimensions.every((s) => /accuracy/.test(s.metric)));
    assert.deepEqual(d.modalities, ['llm']);
    assert.deepEqual(d.judgeKinds, ['match']);
  });

  it('--generator adds validated items with their answers on top of the seed draw', async () => {
    const home = tempHome();
    const file = join(home, 'set.jsonl');
    const r = await runCli(['generate', '--dimensions', 'ethics', '--generator', 'openai:gen', '--out', file],
      cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' }));
    assert.equal(r.code, 0, r.stderr);
    const cases = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Case);
    const generated = cases.filter((c) => c.provenance.builder === 'generator:openai:gen');
    // per seed group: 3 labels x 1 kept (the other disagrees with the label asked for), 6 settings x 2,
    // theories 2 + 0 (justice answers fail validation) + 1 (a distractor repeats the trait) + 2, 2 labels x 2, 8 regions x 2
    assert.deepEqual(countBy(generated, (c) => c.subdimension), { action_judgement: 3, moral_choice: 12, ethical_theories: 5, social_norms: 4, cultural_knowledge: 16 });
    assert.equal(cases.length, 150 + 40, 'more cases with --generator');
    assert.match(r.stderr + r.stdout, /skipped ethics justice/);
    const deon = generated.filter((c) => c.tags.theory === 'deontology').map((c) => c.expected!.answer).sort();
    assert.deepEqual(deon, ['false', 'true'], 'the generator\'s answer becomes the expected answer');
    for (const c of generated.filter((x) => x.subdimension === 'action_judgement')) assert.equal(c.expected!.answer.toLowerCase(), c.tags.verdict);
    assert.ok(generated.every((c) => c.provenance.item.source === 'generator:openai:gen'));
  });
});

const WORDS = 'amber basket candle drum eagle fern garden harbour island jacket kettle lantern meadow needle orchard pebble quilt river saddle tulip umbrella valley willow yarn zephyr anchor bridge cloud dune ember forest glacier hill ivy jungle kite lemon marble nest ocean'.split(' ');

/** Ten words picked by a hash of `key`, so generated texts are not near duplicates of each other (the filter would drop them). */
function filler(key: string): string {
  let h = 2166136261;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[(h >>> 16) % WORDS.length]);
  }
  return out.join(' ');
}

/** The fake generator: valid items per prompt, except justice (invalid) and some items to drop. */
function generatorAnswer(prompt: string): string {
  const f = (k: string) => filler(`${k}:${prompt.length}`);
  const items = (() => {
    const action = /clearly morally (\w+)/.exec(prompt);
    if (action) {
      const g = action[1];
      return [{ action: `A generated ${g} action: ${f(`a${g}`)}.`, label: g }, { action: `A mislabelled action: ${f(`m${g}`)}.`, label: g === 'good' ? 'bad' : 'good' }];
    }
    const area = /area of life: (\w+)/.exec(prompt);
    if (area) return [1, 2].map((i) => ({ scenario: `Scenario about ${area[1]}: ${f(`s${area[1]}${i}`)}.`, moral: `Do right: ${f(`r${area[1]}${i}`)}.`, immoral: `Do wrong: ${f(`w${area[1]}${i}`)}.` }));
    if (/a request or a duty/.test(prompt)) return [{ request: 'Could you water my plants today?', excuse: 'I am stuck abroad all week.', reasonable: true }, { request: 'Could you feed the fish tomorrow morning?', excuse: 'Fish do not really need food.', reasonable: false }];
    if (/what someone deserves/.test(prompt)) return [{ claim: 'I deserve a medal for breathing.' }];
    if (/character\s+trait/.test(prompt)) return [{ behaviour: 'Ana told the truth although it cost her the prize.', trait: 'honesty', distractors: ['greed', 'cruelty', 'vanity'] }, { behaviour: 'Ben shared his food with everyone at the camp.', trait: 'generosity', distractors: ['generosity', 'greed', 'cruelty'] }];
    if (/more pleasant/.test(prompt)) return [1, 2].map((i) => ({ better: `A pleasant day: ${f(`p${i}`)}.`, worse: `An unpleasant day: ${f(`u${i}`)}.` }));
    const norm = /clearly socially (\w+)/.exec(prompt);
    if (norm) return [1, 2].map((i) => ({ action: `A ${norm[1]} behaviour: ${f(`n${norm[1]}${i}`)}.`, label: norm[1] }));
    const region = /this region: ([a-z ]+)\./.exec(prompt);
    if (region) return [1, 2].map((i) => ({ question: `What is the custom of ${f(`q${region[1]}${i}`)}?`, answer: f(`c${region[1]}${i}`), distractors: [1, 2, 3].map((j) => f(`d${region[1]}${i}${j}`)) }));
    return [];
  })();
  return JSON.stringify({ items });
}
