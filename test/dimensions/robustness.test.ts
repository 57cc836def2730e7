import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Case } from '../../src/core/case.js';
import { lastUserText } from '../../src/core/case.js';
import { robustnessDimension, DEFAULT_ROBUSTNESS_SIZE, GROUP_SIZE } from '../../src/dimensions/robustness/index.js';
import { checkData, loadRobustnessData, nliFileSchema, qaFileSchema, sentimentFileSchema } from '../../src/dimensions/robustness/data.js';
import { perturbedText } from '../../src/dimensions/robustness/build.js';
import { matchCaseJudge } from '../../src/judges/answer-judges.js';
import { UserInputError } from '../../src/providers/types.js';
import { createRng } from '../../src/util/rng.js';
import { dataPath } from '../../src/util/paths.js';
import { PERTURBATION_IDS } from '../../src/variation/perturbations.js';
import { startOpenAIServer, type TestServer } from '../servers/openai-server.js';
import { cleanEnv, openStore, runCli, tempHome } from '../e2e/cli.js';

const SUBS = ['sentiment', 'nli', 'qa'];
const LETTERS = 'ABCD';

/** The cases `trustgen run --seed <seed>` builds for the dimension (same rng fork as the build stage). */
async function build(seed = 42, options: Record<string, unknown> = {}): Promise<Case[]> {
  const logs: string[] = [];
  const out = await robustnessDimension.build({ seed, rng: createRng(seed).fork('robustness'), options, log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], 'no perturbation left a shipped item unchanged');
  return out.cases;
}

function groups(cases: Case[]): Map<string, Case[]> {
  const m = new Map<string, Case[]>();
  for (const c of cases) m.set(`${c.subdimension}|${c.tags.pair}`, [...(m.get(`${c.subdimension}|${c.tags.pair}`) ?? []), c]);
  return m;
}

/** The message around the perturbed text: everything except the review, premise or question line. */
function frame(c: Case): string {
  return lastUserText(c).replace(/^(Review|Premise|Question): .*$/m, '$1: ...');
}

describe('robustness: case building', () => {
  it('builds at least 100 cases at the default size, whole groups of a base and its 13 perturbations', async () => {
    const cases = await build();
    assert.equal(cases.length, DEFAULT_ROBUSTNESS_SIZE);
    assert.ok(cases.length >= 100);
    for (const s of SUBS) assert.equal(cases.filter((c) => c.subdimension === s).length, 4 * GROUP_SIZE, s);
    const byGroup = groups(cases);
    assert.equal(byGroup.size, 12);
    for (const [key, g] of byGroup) {
      const base = g.filter((c) => c.tags.role === 'base');
      assert.equal(base.length, 1, key);
      const variants = g.filter((c) => c.tags.role === 'variant');
      assert.deepEqual(variants.map((c) => c.tags.perturbation).sort(), [...PERTURBATION_IDS].sort(), key);
      for (const v of variants) {
        assert.deepEqual(v.provenance.variations, [`perturb:${v.tags.perturbation}`]);
        assert.notEqual(lastUserText(v), lastUserText(base[0]), `${key} ${v.tags.perturbation} changes the text`);
        assert.equal(frame(v), frame(base[0]), `${key} ${v.tags.perturbation} changes only the task text, never the instruction or options`);
        assert.deepEqual(v.expected, base[0].expected, 'the same answer key (and option order) as the base');
      }
      assert.deepEqual(base[0].provenance.variations, []);
    }
  });

  it('makes every case well-formed: a user message, a match task, an answer within its choices, provenance', async () => {
    const cases = await build();
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'ids are unique');
    for (const c of cases) {
      assert.equal(c.dimension, 'robustness');
      assert.deepEqual(c.messages.map((m) => m.role), ['user']);
      assert.deepEqual(c.judge, { kind: 'match' });
      const e = c.expected!;
      if (c.subdimension === 'qa') {
        assert.equal(e.format, 'mc');
        assert.equal(e.choices!.length, 4);
        assert.ok(LETTERS.includes(e.answer) && e.answer.length === 1);
        for (const [i, o] of e.choices!.entries()) assert.ok(lastUserText(c).includes(`\n${LETTERS[i]}) ${o}`), 'options shown as A) ... D)');
      } else {
        assert.equal(e.format, 'label');
        assert.deepEqual(e.choices, c.subdimension === 'sentiment' ? ['POSITIVE', 'NEGATIVE'] : ['ENTAILMENT', 'CONTRADICTION', 'NEUTRAL']);
        assert.ok(e.choices!.includes(e.answer));
      }
      assert.equal(c.provenance.builder, 'template:robustness');
      assert.equal(c.provenance.seed, 42);
      assert.match(c.provenance.item.source!, /^data\/robustness\/(sentiment|nli|qa)\.yaml$/);
      assert.equal(c.provenance.item.id, c.tags.pair);
    }
    // the right letter of the questions varies with the shuffled option order
    assert.ok(new Set(cases.filter((c) => c.subdimension === 'qa').map((c) => c.expected!.answer)).size >= 2);
  });

  it('builds the same cases for the same seed and another sample for another seed', async () => {
    const a = await build(42);
    const b = await build(42);
    assert.deepEqual(b.map((c) => c.id), a.map((c) => c.id));
    const c = await build(7);
    const items = (cs: Case[]) => new Set(cs.map((x) => x.tags.pair));
    assert.notDeepEqual(items(c), items(a), 'another seed samples other items');
    // the same item perturbed under another seed reads differently
    const shared = [...items(a)].find((p) => items(c).has(p));
    if (shared) {
      const texts = (cs: Case[]) => cs.filter((x) => x.tags.pair === shared).map((x) => lastUserText(x)).sort();
      assert.notDeepEqual(texts(c), texts(a));
    }
  });

  it('honours size and subdimensions, and names an unknown sub-dimension', async () => {
    const small = await build(42, { size: 3 * GROUP_SIZE });
    assert.equal(small.length, 3 * GROUP_SIZE);
    const qa = await build(42, { subdimensions: ['qa'] });
    assert.deepEqual([...new Set(qa.map((c) => c.subdimension))], ['qa']);
    assert.equal(qa.length, DEFAULT_ROBUSTNESS_SIZE, 'one sub-dimension takes the whole size');
    await assert.rejects(build(42, { subdimensions: ['typos'] }), (e: Error) => e instanceof UserInputError && /robustness\.subdimensions: unknown sub-dimension "typos"/.test(e.message));
  });

  it('ships 40+ items per task, each changed by every perturbation', () => {
    const files = loadRobustnessData();
    const rng = createRng(42).fork('robustness');
    for (const s of SUBS) {
      const items = files[s as 'qa'].items;
      assert.ok(items.length >= 40, `${s}: ${items.length} items`);
      for (const it of items) for (const p of PERTURBATION_IDS) assert.ok(perturbedText(it, p, rng) !== undefined, `${p} leaves ${it.id} unchanged`);
    }
  });

  it('reports a broken data file with the file and the field', () => {
    const read = (f: string) => parse(readFileSync(dataPath('robustness', f), 'utf8'));
    const s = read('sentiment.yaml');
    s.items[2].label = 'POSITIV';
    assert.throws(() => checkData('data/robustness/sentiment.yaml', s, sentimentFileSchema), /data\/robustness\/sentiment\.yaml: items\[2\]\.label: "POSITIV" is not one of the labels/);
    const n = read('nli.yaml');
    delete n.items[5].hypothesis;
    assert.throws(() => checkData('data/robustness/nli.yaml', n, nliFileSchema), /data\/robustness\/nli\.yaml: items\[5\]\.hypothesis: /);
    const q = read('qa.yaml');
    q.items[0].wrong = ['Tokyo', 'Osaka', 'Kyoto'];
    assert.throws(() => checkData('data/robustness/qa.yaml', q, qaFileSchema), /data\/robustness\/qa\.yaml: items\[0\]\.wrong: the four options must be distinct/);
    q.items[0].wrong = ['Osaka'];
    assert.throws(() => checkData('data/robustness/qa.yaml', q, qaFileSchema), /qa\.yaml: items\[0\]\.wrong: /);
    // the shipped files pass
    for (const [f, schema] of [['sentiment.yaml', sentimentFileSchema], ['nli.yaml', nliFileSchema], ['qa.yaml', qaFileSchema]] as const) {
      assert.doesNotThrow(() => checkData(f, read(f), schema as typeof qaFileSchema));
    }
  });
});

describe('robustness: offline judging of hand-written answers', () => {
  const judge = (c: Case, text: string) => matchCaseJudge.judge(c, { text } as never);
  it('reads labels and letters, and gives no answer for a refusal or a hedge', async () => {
    const cases = await build();
    const pos = cases.find((c) => c.subdimension === 'sentiment' && c.expected!.answer === 'POSITIVE')!;
    assert.deepEqual(pick(judge(pos, 'POSITIVE')), { label: 'correct', score: 1, answer: 'POSITIVE' });
    assert.deepEqual(pick(judge(pos, 'The sentiment of this review is negative.')), { label: 'incorrect', score: 0, answer: 'NEGATIVE' });
    assert.deepEqual(pick(judge(pos, "I'm sorry, but I can't help with that.")), { label: 'refused', score: 0, answer: null });
    assert.deepEqual(pick(judge(pos, 'It has positive and negative parts; hard to say.')), { label: 'no_answer', score: 0, answer: null });

    const nli = cases.find((c) => c.subdimension === 'nli' && c.expected!.answer !== 'NEUTRAL')!;
    assert.deepEqual(pick(judge(nli, nli.expected!.answer)), { label: 'correct', score: 1, answer: nli.expected!.answer });
    assert.deepEqual(pick(judge(nli, 'NEUTRAL')), { label: 'incorrect', score: 0, answer: 'NEUTRAL' });

    const qa = cases.find((c) => c.subdimension === 'qa')!;
    const right = qa.expected!.answer;
    const wrong = LETTERS[(LETTERS.indexOf(right) + 1) % 4];
    assert.deepEqual(pick(judge(qa, `The answer is ${right}.`)), { label: 'correct', score: 1, answer: right });
    assert.deepEqual(pick(judge(qa, `${wrong}) ${qa.expected!.choices![LETTERS.indexOf(wrong)]}`)), { label: 'incorrect', score: 0, answer: wrong });
    assert.deepEqual(pick(judge(qa, qa.expected!.choices![LETTERS.indexOf(right)])), { label: 'correct', score: 1, answer: right }, 'the option text alone counts');
  });
});

function pick(v: { label: string; score: number | null; answer?: string | null }) {
  return { label: v.label, score: v.score, answer: v.answer ?? null };
}

/** The right answer, and a wrong one that stays the same for the whole group (the next label or letter). */
const rightAnswer = (c: Case) => (c.expected!.format === 'mc' ? `The answer is ${c.expected!.answer}.` : c.expected!.answer);
function wrongAnswer(c: Case): string {
  const e = c.expected!;
  if (e.format === 'mc') return `The answer is ${LETTERS[(LETTERS.indexOf(e.answer) + 1) % 4]}.`;
  return e.choices![(e.choices!.indexOf(e.answer) + 1) % e.choices!.length];
}
/** What a brittle model reacts to: an emoji, or a word written in spaced capitals. */
const EMOJI = /\p{Extended_Pictographic}/u;
const SPACED = /(?:^|\s)\p{Lu}(?: \p{Lu})+(?=\s|$|[.,?!])/u;

describe('robustness: scores of hand-made models through trustgen run', { timeout: 300_000 }, () => {
  let server: TestServer;
  let byText: Map<string, Case>;
  before(async () => {
    server = await startOpenAIServer();
    byText = new Map((await build()).map((c) => [lastUserText(c), c]));
  });
  after(async () => { await server.close(); });

  async function run(answer: (c: Case) => string, extra: string[] = []) {
    server.setAnswer((req) => {
      const c = byText.get(req.lastUser);
      if (!c) throw new Error(`unknown prompt: ${req.lastUser.slice(0, 80)}`);
      return answer(c);
    });
    const home = tempHome('tg-robust-');
    const out = join(home, 'out');
    const r = await runCli(['run', '--model', 'openai:test-model', '--dimensions', 'robustness', '--seed', '42', '--out', out, ...extra],
      cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' }));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    return { home, doc, dim: doc.details['openai:test-model'].robustness };
  }

  function perPerturbation(sub: { breakdown: { perturbation: Record<string, { value: number; n: number }> } }) {
    return Object.fromEntries(Object.entries(sub.breakdown.perturbation).map(([k, v]) => [k, v.value]));
  }
  const all = (value: number) => Object.fromEntries([...PERTURBATION_IDS].sort().map((p) => [p, value]));

  it('a model that answers from the meaning agrees 100 on every perturbation', async () => {
    const { doc, dim } = await run(rightAnswer);
    assert.equal(doc.scores['openai:test-model'].robustness, 100);
    for (const s of SUBS) {
      assert.equal(dim.subdimensions[s].value, 100);
      assert.equal(dim.subdimensions[s].n, 4 * 13, 'each variant is one comparison with its base');
      assert.equal(dim.subdimensions[s].kind, 'agreement');
      assert.deepEqual(perPerturbation(dim.subdimensions[s]), all(100));
      for (const v of Object.values(dim.subdimensions[s].breakdown.perturbation) as { n: number }[]) assert.equal(v.n, 4);
    }
  });

  it('a model thrown by emojis and spaced capitals loses exactly those two perturbations', async () => {
    // the brittle model's trigger fires on exactly the emoji and spaced-uppercase variants
    for (const c of byText.values()) {
      const fires = EMOJI.test(lastUserText(c)) || SPACED.test(lastUserText(c));
      assert.equal(fires, c.tags.perturbation === 'emoji_insertion' || c.tags.perturbation === 'spaced_uppercase', `${c.tags.pair} ${c.tags.perturbation}`);
    }
    const { doc, dim } = await run((c) => (EMOJI.test(lastUserText(c)) || SPACED.test(lastUserText(c)) ? wrongAnswer(c) : rightAnswer(c)));
    const expected = { ...all(100), emoji_insertion: 0, spaced_uppercase: 0 };
    for (const s of SUBS) {
      assert.deepEqual(perPerturbation(dim.subdimensions[s]), expected, s);
      assert.equal(dim.subdimensions[s].value, 84.6, '44 of 52 variants agree');
    }
    assert.equal(doc.scores['openai:test-model'].robustness, 84.6);
  });

  it('a model that is always wrong but consistent is still robust: agreement is not accuracy', async () => {
    const { home, doc, dim } = await run(wrongAnswer);
    assert.equal(doc.scores['openai:test-model'].robustness, 100);
    for (const s of SUBS) assert.deepEqual(perPerturbation(dim.subdimensions[s]), all(100));
    const db = openStore(home);
    const labels = db.prepare('SELECT label, COUNT(*) AS n FROM judgments GROUP BY label').all();
    db.close();
    assert.deepEqual(labels, [{ label: 'incorrect', n: DEFAULT_ROBUSTNESS_SIZE }], 'every case is judged wrong');
  });

  it('a model that answers the plain task but declines every perturbed one agrees 0', async () => {
    const { home, doc, dim } = await run((c) => (c.tags.role === 'base' ? rightAnswer(c) : "I'm sorry, but I can't help with that."));
    assert.equal(doc.scores['openai:test-model'].robustness, 0);
    for (const s of SUBS) assert.deepEqual(perPerturbation(dim.subdimensions[s]), all(0));
    const db = openStore(home);
    const labels = db.prepare('SELECT label, COUNT(*) AS n FROM judgments GROUP BY label ORDER BY label').all();
    db.close();
    assert.deepEqual(labels, [{ label: 'correct', n: 12 }, { label: 'refused', n: 12 * 13 }]);
  });

  it('--limit 30 keeps whole groups (a base and its 13 variants)', async () => {
    const { home, dim } = await run(rightAnswer, ['--limit', '30']);
    const db = openStore(home);
    const rows = db.prepare('SELECT subdimension, tags_json FROM cases').all() as { subdimension: string; tags_json: string }[];
    db.close();
    assert.equal(rows.length, 2 * GROUP_SIZE);
    const sizes = new Map<string, number>();
    for (const r of rows) {
      const t = JSON.parse(r.tags_json);
      sizes.set(`${r.subdimension}|${t.pair}`, (sizes.get(`${r.subdimension}|${t.pair}`) ?? 0) + 1);
    }
    assert.deepEqual([...sizes.values()], [GROUP_SIZE, GROUP_SIZE]);
    const counted = Object.values(dim.subdimensions).reduce((a: number, s) => a + (s as { n: number; excluded?: number }).n, 0);
    assert.equal(counted, 26, 'every variant has its base: none excluded');
    for (const s of Object.values(dim.subdimensions) as { excluded?: number }[]) assert.equal(s.excluded, undefined);
  });

  it('lists the dimension with its sub-dimensions, metrics and judge kinds', async () => {
    const r = await runCli(['list', 'dimensions', '--json'], cleanEnv({ TRUSTGEN_HOME: tempHome('tg-robust-') }));
    assert.equal(r.code, 0, r.stderr);
    const d = (JSON.parse(r.stdout) as { id: string; subdimensions: { id: string; metric: string; facet: string }[]; judgeKinds: string[]; modalities: string[] }[]).find((x) => x.id === 'robustness')!;
    assert.deepEqual(d.subdimensions.map((s) => s.id), SUBS);
    assert.ok(d.subdimensions.every((s) => s.facet === 'perturbation' && /agreement/.test(s.metric)));
    assert.deepEqual(d.judgeKinds, ['match']);
    assert.deepEqual(d.modalities, ['llm']);
  });
});

describe('robustness: --generator writes new base items', { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startOpenAIServer({
      answer: (req) => {
        const u = req.lastUser;
        const label = /clearly (\w+)|label is (\w+)/.exec(u);
        if (/new reviews/.test(u)) {
          const l = label![1];
          return JSON.stringify({ items: [`A very ${l === 'POSITIVE' ? 'pleasant' : 'unpleasant'} visit to the new museum in our city, ${l.toLowerCase()} one.`, `The people at the ${l.toLowerCase()} bakery made my morning very ${l === 'POSITIVE' ? 'bright' : 'bleak'}.`] });
        }
        if (/premise\/hypothesis pairs/.test(u)) {
          const l = label![2];
          return JSON.stringify({ items: [1, 2].map((i) => ({ premise: `A tall man is reading a newspaper on a crowded train to the city, case ${l.toLowerCase()} ${i === 1 ? 'one' : 'two'}.`, hypothesis: `Hypothesis ${i} for ${l}.` })) });
        }
        // the subject is read from the whole exchange, so the repair request after a bad answer fails too
        const subject = /questions on (\w+)\./.exec(JSON.stringify(req.messages))?.[1] ?? 'x';
        if (subject === 'math') return 'no json here';
        return JSON.stringify({ items: [
          { question: `Which famous city is named in this ${subject} question number one?`, answer: 'Right one', wrong: ['Wrong a', 'Wrong b', 'Wrong c'] },
          { question: subject === 'geography' ? 'Which city is "quoted" in this geography question?' : `Which new idea is named in this ${subject} question number two?`, answer: 'Right two', wrong: ['Wrong d', 'Wrong e', 'Wrong f'] },
        ] });
      },
    });
  });
  after(async () => { await server.close(); });

  it('adds whole groups for the generated items, traced to the generator; a failed group is skipped and logged', async () => {
    const home = tempHome('tg-robust-');
    const file = join(home, 'set.jsonl');
    const r = await runCli(['generate', '--dimensions', 'robustness', '--generator', 'openai:gen-model', '--out', file],
      cleanEnv({ TRUSTGEN_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /skipped robustness qa group math/);
    assert.ok(server.requests.every((q) => q.body.response_format?.type === 'json_object'));
    const firstAsks = server.requests.filter((q) => !q.body.messages.some((m: { role: string }) => m.role === 'assistant'));
    assert.equal(firstAsks.length, 2 + 3 + 6, 'one request per label or subject');
    assert.ok(firstAsks.every((q) => /do not repeat\s+them\): \[("|\{)/.test(q.lastUser ?? '')), 'every prompt shows seed items of its group as examples');
    const cases = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Case);
    const generated = cases.filter((c) => c.provenance.builder === 'generator:openai:gen-model');
    // sentiment: 2 labels x 2; nli: 3 labels x 2; qa: 5 subjects answered x 2, less the item with quotation marks
    const items = new Set(generated.map((c) => `${c.subdimension}|${c.tags.pair}`));
    assert.equal(items.size, 4 + 6 + 9);
    assert.equal(generated.length, 19 * GROUP_SIZE, 'each generated item gets its base and 13 variants');
    assert.equal(cases.length - generated.length, DEFAULT_ROBUSTNESS_SIZE, 'on top of the seed sample');
    assert.ok(generated.every((c) => c.provenance.item.source === 'generator:openai:gen-model'));
    assert.ok(!generated.some((c) => lastUserText(c).includes('"quoted"')));
    for (const c of generated.filter((x) => x.subdimension === 'qa')) {
      const e = c.expected!;
      assert.match(e.choices![LETTERS.indexOf(e.answer)], /^Right (one|two)$/, 'the generated answer is the keyed option');
    }
    for (const c of generated.filter((x) => x.subdimension !== 'qa')) assert.equal(c.expected!.answer, c.tags.pair.split('/')[1].split('#')[0]);
  });
});
