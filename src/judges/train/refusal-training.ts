/**
 * Training and measuring the refusal classifier on the XSTest v2 human labels (data/xstest/, CC BY 4.0).
 * Used by the trainer (train-refusal.ts) and by the tests, so both measure the same thing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../../util/paths.js';
import { loadRefusalRules, classifyRefusal } from '../refusal-rules.js';
import { classifyWith, prepareRefusalModel, REFUSAL_MODEL_FORMAT, type RefusalModel } from '../refusal-classifier.js';
import { DEFAULT_FEATURES, extractFeatures, featureValues, type FeatureConfig, type RuleSnapshot } from '../refusal-features.js';
import { REFUSAL_LABELS, type RefusalLabel } from '../types.js';
import { trainSoftmax, type SparseRow } from './softmax.js';

export const MODEL_VERSION = 1;
/** The L2 penalty of the committed model (chosen by leave-one-model-out cross-validation, see refusal-model.md). */
export const DEFAULT_LAMBDA = 1e-5;

export interface XstestRow {
  /** The answering model: gpt4, llama2new, llama2orig. */
  model: string;
  id: string;
  type: string;
  prompt: string;
  completion: string;
  label: RefusalLabel;
  strmatch: RefusalLabel;
}

export interface XstestData {
  rows: XstestRow[];
  files: { file: string; rows: number; sha256: string }[];
  sha256: string;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** '1_full_compliance' -> 'full_compliance' */
export function xstestLabel(raw: string): RefusalLabel {
  const l = raw.replace(/^\d_/, '');
  if (!(REFUSAL_LABELS as readonly string[]).includes(l)) throw new Error(`unknown XSTest label ${raw}`);
  return l as RefusalLabel;
}

/** The three XSTest v2 completion sets, files in name order, rows in file order. */
export function loadXstest(dir = dataPath('xstest')): XstestData {
  const names = readdirSync(dir).filter((f) => /^xstest_v2_completions_.*_streval\.csv$/.test(f)).sort();
  if (names.length === 0) throw new Error(`no XSTest completion files in ${dir}`);
  const rows: XstestRow[] = [];
  const files: XstestData['files'] = [];
  for (const file of names) {
    const bytes = readFileSync(join(dir, file));
    const model = file.replace(/^xstest_v2_completions_/, '').replace(/_streval\.csv$/, '');
    const records = parse(bytes, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const r of records) {
      rows.push({ model, id: r.id, type: r.type, prompt: r.prompt, completion: r.completion, label: xstestLabel(r.final_label), strmatch: xstestLabel(r.strmatch_label) });
    }
    files.push({ file: `data/xstest/${file}`, rows: records.length, sha256: sha256(bytes) });
  }
  return { rows, files, sha256: sha256(files.map((f) => `${f.sha256}  ${f.file}\n`).join('')) };
}

/** The phrase rules of data/judges/refusal-rules.yaml, as regex sources, to freeze into the model. */
export function snapshotRules(file?: string): RuleSnapshot {
  const r = loadRefusalRules(file);
  const src = (list: RegExp[]) => list.map((x) => x.source);
  return { opening: r.opening, shortAnswer: r.shortAnswer, refusal: src(r.refusal), pivot: src(r.pivot), compliance: src(r.compliance) };
}

export function defaultFeatureConfig(rules = snapshotRules()): FeatureConfig {
  return { ...DEFAULT_FEATURES, rules };
}

/** Five significant digits; no negative zero. */
export function roundWeight(x: number): number {
  const r = Number(x.toPrecision(5));
  return r === 0 ? 0 : r;
}

/**
 * The first sentence (at least 30 characters, cut at . ! ? or a line break), or undefined when that is most of the
 * answer. Used to add short copies of training answers: the XSTest Llama-2 answers are all long, so without them a
 * model trained on Llama-2 has never seen a one-line refusal.
 */
export function openingSentence(text: string): string | undefined {
  const t = text.trim();
  const m = /^[\s\S]{30,}?(?:[.!?](?=\s)|\n)/.exec(t);
  if (!m) return undefined;
  const head = m[0].trim();
  return head.length < 0.6 * t.length ? head : undefined;
}

/** Rows plus a short copy (the opening sentence) of every full compliance and full refusal; partial refusals are not copied. */
export function augmentRows(rows: XstestRow[]): XstestRow[] {
  const out = [...rows];
  for (const r of rows) {
    if (r.label === 'partial_refusal') continue;
    const head = openingSentence(r.completion);
    if (head) out.push({ ...r, id: `${r.id}#opening`, completion: head });
  }
  return out;
}

export interface TrainOptions {
  lambda?: number;
  /** Add the opening-sentence copies (augmentRows); default true. */
  augment?: boolean;
  maxIter?: number;
  /** Recorded in the model; defaults to a description of the rows given. */
  data?: Pick<XstestData, 'files' | 'sha256'>;
}

/** Train on the given rows (deterministic) and return the model as it is written to JSON, weights rounded. */
export function trainRefusalModel(rows: XstestRow[], config: FeatureConfig, opts: TrainOptions = {}): RefusalModel {
  const lambda = opts.lambda ?? DEFAULT_LAMBDA;
  const augment = opts.augment ?? true;
  const given = rows;
  rows = augment ? augmentRows(rows) : rows;
  const feats = rows.map((r) => extractFeatures(r.completion, config));
  const df = new Map<string, number>();
  for (const fs of feats) for (const f of fs) df.set(f, (df.get(f) ?? 0) + 1);
  const vocabulary = [...df.entries()].filter(([, n]) => n >= config.minCount).map(([f]) => f).sort();
  const index = new Map(vocabulary.map((f, i) => [f, i] as const));
  const K = REFUSAL_LABELS.length;
  const sparse: SparseRow[] = rows.map((r, i) => {
    const kept = feats[i].filter((f) => index.has(f));
    const idx = Int32Array.from(kept, (f) => index.get(f) as number);
    return { idx, val: featureValues(kept, config), y: REFUSAL_LABELS.indexOf(r.label) };
  });
  const fit = trainSoftmax(sparse, { classes: K, features: vocabulary.length, lambda, maxIter: opts.maxIter ?? 400 });
  const weights = {} as Record<RefusalLabel, number[]>;
  REFUSAL_LABELS.forEach((l, k) => {
    weights[l] = vocabulary.map((_, f) => roundWeight(fit.w[f * K + k]));
  });
  const data = opts.data ?? { files: [], sha256: sha256(given.map((r) => `${r.model}\t${r.id}\t${r.label}\t${r.completion}`).join('\n')) };
  return {
    format: REFUSAL_MODEL_FORMAT,
    version: MODEL_VERSION,
    labels: [...REFUSAL_LABELS],
    features: config,
    training: { data: data.files, sha256: data.sha256, rows: given.length, augment, augmented: rows.length - given.length, lambda, iterations: fit.iterations, loss: roundWeight(fit.loss) },
    bias: Array.from(fit.b, roundWeight),
    vocabulary,
    weights,
  };
}

/** Accuracy counts for one set of predictions. */
export interface Tally { n: number; threeWay: number; binary: number }

export const emptyTally = (): Tally => ({ n: 0, threeWay: 0, binary: 0 });

export function score(t: Tally, want: RefusalLabel, got: RefusalLabel): void {
  t.n++;
  if (want === got) t.threeWay++;
  if ((want === 'full_compliance') === (got === 'full_compliance')) t.binary++;
}

export function addTally(into: Tally, t: Tally): void {
  into.n += t.n;
  into.threeWay += t.threeWay;
  into.binary += t.binary;
}

export interface FoldResult {
  /** The held-out answering model (and prompt fold, for prompt-disjoint folds). */
  heldOut: string;
  trainRows: number;
  model: Tally;
  strmatch: Tally;
  rules: Tally;
  /** How often the refuse-then-help rule changed the model's label, and how often the human label agreed. */
  rule: { fired: number; right: number };
  /** Confusion counts of the model: confusion[want][got]. */
  confusion: Record<RefusalLabel, Record<RefusalLabel, number>>;
}

function emptyConfusion(): FoldResult['confusion'] {
  const row = () => ({ full_compliance: 0, full_refusal: 0, partial_refusal: 0 });
  return { full_compliance: row(), full_refusal: row(), partial_refusal: row() };
}

/** Train on `train`, test on `test`; the string-match and rule baselines are scored on the same test rows. */
export function runFold(heldOut: string, train: XstestRow[], test: XstestRow[], config: FeatureConfig, opts: TrainOptions = {}): FoldResult {
  const m = prepareRefusalModel(trainRefusalModel(train, config, opts));
  const res: FoldResult = { heldOut, trainRows: train.length, model: emptyTally(), strmatch: emptyTally(), rules: emptyTally(), rule: { fired: 0, right: 0 }, confusion: emptyConfusion() };
  for (const r of test) {
    const p = classifyWith(m, r.completion);
    const got = p.label;
    if (p.rule) {
      res.rule.fired++;
      if (r.label === got) res.rule.right++;
    }
    score(res.model, r.label, got);
    res.confusion[r.label][got]++;
    score(res.strmatch, r.label, r.strmatch);
    score(res.rules, r.label, classifyRefusal(r.completion).label);
  }
  return res;
}

export function answeringModels(rows: XstestRow[]): string[] {
  return [...new Set(rows.map((r) => r.model))].sort();
}

/** Leave one answering model out: train on the other models' completions, test on the held-out model's. */
export function leaveOneModelOut(rows: XstestRow[], config: FeatureConfig, opts: TrainOptions = {}): FoldResult[] {
  return answeringModels(rows).map((m) => runFold(m, rows.filter((r) => r.model !== m), rows.filter((r) => r.model === m), config, opts));
}

/** The prompt fold of a row (XSTest ids are v2-1 .. v2-450, the same prompt across models). */
export function promptFold(r: XstestRow, folds: number): number {
  const n = Number(/(\d+)$/.exec(r.id)?.[1] ?? NaN);
  if (!Number.isFinite(n)) throw new Error(`XSTest id without a number: ${r.id}`);
  return n % folds;
}

/**
 * Stricter: leave one model out AND keep the test prompts out of training (prompt folds), so the model cannot
 * lean on having seen other models answer the same prompt. Results are pooled per held-out model.
 */
export function leaveOneModelAndPromptsOut(rows: XstestRow[], config: FeatureConfig, opts: TrainOptions = {}, folds = 5): FoldResult[] {
  return answeringModels(rows).map((m) => {
    const pooled: FoldResult = { heldOut: m, trainRows: 0, model: emptyTally(), strmatch: emptyTally(), rules: emptyTally(), rule: { fired: 0, right: 0 }, confusion: emptyConfusion() };
    for (let k = 0; k < folds; k++) {
      const train = rows.filter((r) => r.model !== m && promptFold(r, folds) !== k);
      const test = rows.filter((r) => r.model === m && promptFold(r, folds) === k);
      const f = runFold(m, train, test, config, opts);
      pooled.trainRows += f.trainRows / folds;
      addTally(pooled.model, f.model);
      addTally(pooled.strmatch, f.strmatch);
      addTally(pooled.rules, f.rules);
      pooled.rule.fired += f.rule.fired;
      pooled.rule.right += f.rule.right;
      for (const a of REFUSAL_LABELS) for (const b of REFUSAL_LABELS) pooled.confusion[a][b] += f.confusion[a][b];
    }
    return pooled;
  });
}

export function poolFolds(folds: FoldResult[]): FoldResult {
  const all: FoldResult = { heldOut: 'pooled', trainRows: 0, model: emptyTally(), strmatch: emptyTally(), rules: emptyTally(), rule: { fired: 0, right: 0 }, confusion: emptyConfusion() };
  for (const f of folds) {
    all.rule.fired += f.rule.fired;
    all.rule.right += f.rule.right;
    addTally(all.model, f.model);
    addTally(all.strmatch, f.strmatch);
    addTally(all.rules, f.rules);
    for (const a of REFUSAL_LABELS) for (const b of REFUSAL_LABELS) all.confusion[a][b] += f.confusion[a][b];
  }
  return all;
}
