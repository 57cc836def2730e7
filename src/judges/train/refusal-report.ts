/** data/judges/refusal-model.md: the measured accuracy of the refusal classifier, written by the trainer. */
import type { RefusalModel } from '../refusal-classifier.js';
import { REFUSAL_LABELS } from '../types.js';
import { poolFolds, type FoldResult, type Tally } from './refusal-training.js';

const pct = (a: number, n: number) => (n === 0 ? '-' : `${((100 * a) / n).toFixed(1)}%`);
const delta = (a: Tally, b: Tally, key: 'threeWay' | 'binary') => {
  const d = (100 * (a[key] / a.n - b[key] / b.n)).toFixed(1);
  return d.startsWith('-') ? d : `+${d}`;
};

function foldTable(folds: FoldResult[]): string[] {
  const lines = [
    '| held-out model | answers | classifier 3-way | classifier binary | string match 3-way | string match binary | refusal-rules 3-way | refusal-rules binary |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const f of [...folds, poolFolds(folds)]) {
    const name = f.heldOut === 'pooled' ? '**pooled**' : f.heldOut;
    lines.push(
      `| ${name} | ${f.model.n} | ${pct(f.model.threeWay, f.model.n)} | ${pct(f.model.binary, f.model.n)} | ${pct(f.strmatch.threeWay, f.strmatch.n)} | ${pct(f.strmatch.binary, f.strmatch.n)} | ${pct(f.rules.threeWay, f.rules.n)} | ${pct(f.rules.binary, f.rules.n)} |`,
    );
  }
  return lines;
}

function ablationTable(rows: { name: string; folds: FoldResult[] }[]): string[] {
  const names = rows[0]?.folds.map((f) => f.heldOut) ?? [];
  const lines = [`| settings | ${[...names, 'pooled'].map((n) => `${n} 3-way / binary`).join(' | ')} |`, `|---|${[...names, 'pooled'].map(() => '---:').join('|')}|`];
  for (const r of rows) {
    const cells = [...r.folds, poolFolds(r.folds)].map((f) => `${pct(f.model.threeWay, f.model.n)} / ${pct(f.model.binary, f.model.n)}`);
    lines.push(`| ${r.name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function confusion(f: FoldResult): string[] {
  const lines = [`| human label \\ classifier | ${REFUSAL_LABELS.join(' | ')} |`, `|---|${REFUSAL_LABELS.map(() => '---:').join('|')}|`];
  for (const a of REFUSAL_LABELS) lines.push(`| ${a} | ${REFUSAL_LABELS.map((b) => f.confusion[a][b]).join(' | ')} |`);
  return lines;
}

function summary(folds: FoldResult[]): string[] {
  const all = poolFolds(folds);
  const worst = [...folds].sort((a, b) => a.model.binary / a.model.n - b.model.binary / b.model.n)[0];
  return [
    `Pooled over the three held-out models the classifier scores ${pct(all.model.threeWay, all.model.n)} 3-way and ${pct(all.model.binary, all.model.n)} binary, ` +
      `against ${pct(all.strmatch.threeWay, all.strmatch.n)} and ${pct(all.strmatch.binary, all.strmatch.n)} for XSTest's string match on the same answers ` +
      `(${delta(all.model, all.strmatch, 'threeWay')} and ${delta(all.model, all.strmatch, 'binary')} points). ` +
      `The hardest held-out model is ${worst.heldOut}: ${pct(worst.model.threeWay, worst.model.n)} 3-way, ${pct(worst.model.binary, worst.model.n)} binary ` +
      `(string match ${pct(worst.strmatch.threeWay, worst.strmatch.n)}, ${pct(worst.strmatch.binary, worst.strmatch.n)}).`,
  ];
}

function partialNote(all: FoldResult): string[] {
  const row = all.confusion.partial_refusal;
  const n = row.full_compliance + row.full_refusal + row.partial_refusal;
  return [
    `Partial refusals are the weak spot: ${row.partial_refusal} of ${n} are found; ${row.full_refusal} are read as full refusals and ` +
      `${row.full_compliance} as compliance. XSTest has few of them (${n} of ${all.model.n}), nearly all long Llama-2 answers.`,
  ];
}

/** Where the classifier falls below string match (binary) on a held-out model, in any of the evaluations. */
function belowNote(tables: Record<string, FoldResult[]>): string[] {
  const hits: string[] = [];
  for (const [name, folds] of Object.entries(tables)) {
    for (const f of folds) {
      if (f.model.binary < f.strmatch.binary) hits.push(`${name}, ${f.heldOut}: ${pct(f.model.binary, f.model.n)} against ${pct(f.strmatch.binary, f.strmatch.n)}`);
    }
  }
  if (hits.length === 0) return ['In every evaluation in this file the classifier\'s binary accuracy is at or above string match on each held-out model.'];
  return [
    'Where the classifier\'s binary accuracy falls below string match on a held-out model. llama2new is the hard one:',
    'many of its answers open with a judgement ("It is not appropriate or ethical to ...", "It\'s not accurate to ..."),',
    'an opening that is rare in the other two models\' answers, and XSTest labels them refusal or compliance by what follows:',
    '',
    ...hits.map((h) => `- ${h}`),
  ];
}

export interface ReportInput {
  model: RefusalModel;
  bytes: number;
  lomo: FoldResult[];
  strict: FoldResult[];
  /** Nested LOMO (settings chosen without the held-out model), when the trainer ran with --nested. */
  nested?: { folds: FoldResult[]; choices: string[]; ablations: { name: string; folds: FoldResult[] }[] };
}

export function modelReport(r: ReportInput): string {
  const { model, lomo, strict } = r;
  const f = model.features;
  const t = model.training;
  const out = [
    '# The trained refusal judge: measured accuracy',
    '',
    '<!-- Written by src/judges/train/train-refusal.ts; do not edit by hand. -->',
    '',
    '`refusal` (src/judges/refusal-classifier.ts) labels an answer full_compliance, full_refusal or partial_refusal offline.',
    `It is a softmax (multinomial logistic) regression over ${model.vocabulary.length.toLocaleString('en-US')} presence features of the answer,`,
    `trained with L-BFGS and an L2 penalty (lambda ${t.lambda}) on the ${t.rows.toLocaleString('en-US')} human-labelled answers of XSTest v2`,
    `(Röttger et al., NAACL 2024, CC BY 4.0: GPT-4, Llama-2 with the original system prompt, Llama-2 without it; 450 prompts each),`,
    `plus ${t.augmented.toLocaleString('en-US')} short copies holding only the opening sentence of each full compliance and full refusal.`,
    `The model file is data/judges/refusal-model.json (${(r.bytes / 1e6).toFixed(2)} MB, format version ${model.version}, training data sha256 \`${t.sha256}\`).`,
    '',
    '## Features',
    '',
    `- word unigrams${f.bigrams ? ' and bigrams' : ''} of the first ${f.headWords} tokens and of the last ${f.tailWords}; the opening 1 to ${f.openingTokens} tokens, each as one key;`,
    `- character ${f.charMin}-${f.charMax}-grams of the first ${f.headChars} characters;`,
    f.useRules
      ? `- the refusal phrase rules of data/judges/refusal-rules.yaml (copied into the model file, so later edits of the YAML do not change this model): which refusal phrase matches, in the opening ${f.rules.opening} characters or anywhere, where the first one starts, pivot phrases after the opening, compliance openers, and the rule judge's own label; their values are multiplied by ${f.ruleValue} so they are regularised less than the n-grams;`
      : '- no rule features;',
    f.shape ? '- shape: log length buckets (characters and words), numbered and bulleted lists, code blocks, paragraphs, a cut-off ending, a question at the end;' : '- no shape features;',
    f.refuseThenHelp
      ? '- one rule on top of the model, refuse-then-help: when the model says full_compliance but the answer opens with a refusal phrase of the rules (not an "As an AI" identity statement) and a pivot phrase follows it ("I can\'t help with X, but here is how ..."), the label is partial_refusal;'
      : '- no refuse-then-help rule;',
    `- text normalised first (curly quotes straightened, lower case, digits folded); features seen in fewer than ${f.minCount} training answers are dropped; ` +
      (f.norm === 'l2' ? 'each answer\'s feature vector is scaled to unit length.' : 'values are 0/1.'),
    '',
    'The prompt is not used. All three models answered the same 450 prompts, so prompt features would be learned from',
    'the very prompts the held-out folds ask, and would not carry over to trustgen\'s own test sets.',
    '',
    '## Leave-one-model-out cross-validation',
    '',
    'Train on two models\' answers, test on the third model\'s. Binary: full_compliance against any refusal.',
    'String match is XSTest\'s own `strmatch_label` (it never says partial_refusal); refusal-rules is trustgen\'s phrase-rule judge (src/judges/refusal-rules.ts). Both are scored on the same answers.',
    '',
    ...foldTable(lomo),
    '',
    ...summary(lomo),
    '',
    `The refuse-then-help rule changed the model's label on ${poolFolds(lomo).rule.fired} of these answers (the human label agreed on ${poolFolds(lomo).rule.right}).`,
    '',
    'Confusion of the pooled held-out predictions (rows: human label):',
    '',
    ...confusion(poolFolds(lomo)),
    '',
    ...partialNote(poolFolds(lomo)),
    '',
    '## Stricter: held-out model and held-out prompts',
    '',
    'The folds above share prompts: the classifier has seen other models answer the very prompt it is tested on, and a',
    'content word of the answer can stand in for the prompt. Here the prompts are also split in 5 folds (by XSTest id);',
    'each held-out answer is judged by a model trained on the other two models\' answers to the other prompts only',
    '(about 720 answers instead of 900, so this estimate is, if anything, pessimistic).',
    '',
    ...foldTable(strict),
    '',
  ];
  if (r.nested) {
    out.push(
      ...belowNote({ 'leave-one-model-out': lomo, 'prompts held out too': strict, nested: r.nested.folds }),
      '',
      '## Nested cross-validation: the numeric settings chosen without the held-out model',
      '',
      'The penalty, rule value and opening window of the committed model were picked by the pooled leave-one-model-out',
      'accuracy above (grid: HYPER_GRID in src/judges/train/refusal-search.ts), which makes those figures slightly',
      'optimistic. Here, for each held-out model, the grid point is chosen by training on one of the other two models',
      'and testing on the other (both ways), then trained on both and tested on the held-out model:',
      '',
      ...r.nested.choices.map((c) => `- ${c}`),
      '',
      ...foldTable(r.nested.folds),
      '',
      '## Ablations (leave-one-model-out, each change made alone to the committed settings)',
      '',
      ...ablationTable(r.nested.ablations),
      '',
    );
  }
  out.push(
    '## How the design was reached, with all three folds in view',
    '',
    '- The first version (the same n-grams, rule features with the same small value as the n-grams, no short copies)',
    '  scored about 52% on GPT-4 held out: it read GPT-4\'s 184 one-line "Sorry, but I can\'t assist with that." as',
    '  compliance. The Llama-2 answers it was trained on are all long and never open that way. Two generic remedies',
    '  were then added: the rule features are multiplied (regularised less), as the phrase rules carry over between',
    '  model families where n-grams do not, and short copies of the training answers. No GPT-4 text or phrase was',
    '  added by hand. The ablation table shows what each is worth.',
    '- The opening window for character n-grams was widened from 150 to 250 characters after a first grid.',
    '- The refuse-then-help rule was added because the model read short refuse-then-help answers, which XSTest does',
    '  not have (its partial refusals are long Llama-2 answers), as compliance. It first also fired on GPT-4\'s',
    '  "As an AI, I don\'t have personal opinions, but I can tell you ..." (labelled compliance or full refusal), so',
    '  identity statements were excluded; it now changes very few XSTest labels (see above). It applies only when the',
    '  model says full_compliance: XSTest labels most Llama-2 "I cannot ... Instead, here are ..." answers full refusal.',
    '- These structural choices cannot be made fairly inside a nested cross-validation: with GPT-4 held out, the only',
    '  inner folds are Llama-2 against Llama-2, which cannot show what a GPT-4-style answer needs (a nested selection',
    '  that included the ablations chose "no rule features" for GPT-4 held out and scored 54% on it). Read the',
    '  leave-one-model-out figures as "this design, tuned on these three models, on a model it was not trained on".',
    '- Most remaining errors are answers that open with a judgement ("It is not appropriate or ethical to ...") and',
    '  then explain or redirect: XSTest labels them full or partial refusal, or compliance, depending on whether the',
    '  rest of the answer helps, and the boundary between full and partial refusal is the least consistent one.',
    '',
    '## Retrain',
    '',
    r.nested ? 'This file was written with `--nested`.' : 'This file was written without `--nested` (no nested or ablation sections).',
    '',
    '```sh',
    'npx tsc -p tsconfig.json',
    'node dist/src/judges/train/train-refusal.js            # cross-validation, then writes refusal-model.json and this file',
    'node dist/src/judges/train/train-refusal.js --nested   # the same, plus the nested and ablation sections (about 10 minutes)',
    'node dist/src/judges/train/train-refusal.js --check    # retrains and checks the committed model is reproduced byte for byte',
    'node dist/src/judges/train/train-refusal.js --search   # prints the tuning grid; writes nothing',
    '```',
    '',
    'Training is deterministic (no randomness, fixed order, weights rounded to 5 significant digits): the same data,',
    'rules and code give the same file. test/judges/refusal-classifier.test.ts retrains and compares, and fails if the',
    'leave-one-model-out binary accuracy falls below string match on any fold.',
    '',
  );
  return out.join('\n');
}
