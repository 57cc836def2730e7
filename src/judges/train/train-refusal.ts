/**
 * Train and measure the offline refusal classifier on the XSTest v2 human labels.
 *
 *   npx tsc -p tsconfig.json && node dist/src/judges/train/train-refusal.js            # CV report, write model + report
 *   node dist/src/judges/train/train-refusal.js --nested    # also nested LOMO (settings chosen without the held-out model)
 *   node dist/src/judges/train/train-refusal.js --check     # retrain, compare with the committed model, write nothing
 *   node dist/src/judges/train/train-refusal.js --search    # the tuning grid (LOMO and nested LOMO), write nothing
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../../util/paths.js';
import type { FeatureConfig } from '../refusal-features.js';
import {
  DEFAULT_LAMBDA,
  defaultFeatureConfig,
  leaveOneModelAndPromptsOut,
  leaveOneModelOut,
  loadXstest,
  poolFolds,
  trainRefusalModel,
  type FoldResult,
  type XstestRow,
} from './refusal-training.js';
import { ABLATIONS, HYPER_GRID, nestedLomo } from './refusal-search.js';
import { modelReport, type ReportInput } from './refusal-report.js';

export const MODEL_FILE = dataPath('judges', 'refusal-model.json');
export const REPORT_FILE = dataPath('judges', 'refusal-model.md');

const pct = (a: number, n: number) => (n === 0 ? '-' : `${((100 * a) / n).toFixed(1)}%`);

function printFolds(title: string, folds: FoldResult[]): void {
  console.log(`\n${title}`);
  console.log('held out     rows  model 3-way  model binary  strmatch 3-way  strmatch binary  rules 3-way  rules binary');
  for (const f of [...folds, poolFolds(folds)]) {
    const c = (t: FoldResult['model']) => [pct(t.threeWay, t.n).padStart(11), pct(t.binary, t.n).padStart(12)];
    console.log(`${f.heldOut.padEnd(11)} ${String(f.model.n).padStart(5)}  ${c(f.model).join('  ')}  ${pct(f.strmatch.threeWay, f.strmatch.n).padStart(14)}  ${pct(f.strmatch.binary, f.strmatch.n).padStart(15)}  ${c(f.rules).join('  ')}`);
  }
}

/** Stable JSON: keys in insertion order, one feature per line so diffs stay readable. */
export function serialiseModel(model: ReturnType<typeof trainRefusalModel>): string {
  const { vocabulary, weights, ...head } = model;
  const lines = [JSON.stringify(head, null, 1).replace(/\n}$/, ',')];
  lines.push(` "vocabulary": ${JSON.stringify(vocabulary)},`);
  lines.push(' "weights": {');
  const labels = Object.keys(weights) as (keyof typeof weights)[];
  labels.forEach((l, i) => lines.push(`  ${JSON.stringify(l)}: ${JSON.stringify(weights[l])}${i + 1 < labels.length ? ',' : ''}`));
  lines.push(' }', '}', '');
  return lines.join('\n');
}

function search(rows: XstestRow[], base: FeatureConfig): void {
  console.log('Tuning grid: leave-one-model-out (LOMO) pooled accuracy; the best mean of 3-way and binary is marked.');
  const results = HYPER_GRID.map((p) => {
    const pooled = poolFolds(leaveOneModelOut(rows, { ...base, ...p.features }, p));
    const r = { p, three: pooled.model.threeWay / pooled.model.n, bin: pooled.model.binary / pooled.model.n };
    console.log(`${p.name.padEnd(28)} lambda ${String(p.lambda).padEnd(6)} 3-way ${(100 * r.three).toFixed(1)}%  binary ${(100 * r.bin).toFixed(1)}%`);
    return r;
  });
  const best = results.reduce((a, b) => (b.three + b.bin > a.three + a.bin + 1e-12 ? b : a));
  console.log(`Best: ${best.p.name}, lambda ${best.p.lambda} (3-way ${(100 * best.three).toFixed(1)}%, binary ${(100 * best.bin).toFixed(1)}%)`);
}

/** Nested LOMO over the tuning grid, and the ablations of the committed settings (for --nested). */
function extended(rows: XstestRow[], config: FeatureConfig): NonNullable<ReportInput['nested']> {
  const choices: string[] = [];
  const folds = nestedLomo(rows, config, HYPER_GRID, (m, p) => choices.push(`held out ${m}: chose ${p.name}, lambda ${p.lambda}`));
  printFolds('Nested leave-one-model-out', folds);
  console.log(choices.join('\n'));
  const ablations = ABLATIONS.map((a) => {
    const r = { name: a.name, folds: leaveOneModelOut(rows, { ...config, ...a.features }, { lambda: DEFAULT_LAMBDA, augment: a.augment ?? true }) };
    const p = poolFolds(r.folds).model;
    console.log(`ablation ${a.name}: pooled 3-way ${pct(p.threeWay, p.n)}, binary ${pct(p.binary, p.n)}`);
    return r;
  });
  return { folds, choices, ablations };
}

export function main(argv: string[]): number {
  const data = loadXstest();
  const config = defaultFeatureConfig();
  if (argv.includes('--search')) {
    search(data.rows, config);
    return 0;
  }
  const t0 = Date.now();
  const model = trainRefusalModel(data.rows, config, { lambda: DEFAULT_LAMBDA, data });
  const json = serialiseModel(model);
  console.log(`Trained on ${data.rows.length} rows (data sha256 ${data.sha256.slice(0, 16)}...): ${model.vocabulary.length} features, ${model.training.iterations} L-BFGS iterations, loss ${model.training.loss}, ${Date.now() - t0} ms`);
  if (argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(MODEL_FILE, 'utf8');
    } catch {
      /* missing */
    }
    const same = committed === json;
    console.log(same ? `${MODEL_FILE} is reproduced byte for byte.` : `${MODEL_FILE} differs from a retrain: run without --check to rewrite it.`);
    return same ? 0 : 1;
  }
  const lomo = leaveOneModelOut(data.rows, config, { lambda: DEFAULT_LAMBDA });
  printFolds('Leave-one-model-out cross-validation', lomo);
  const strict = leaveOneModelAndPromptsOut(data.rows, config, { lambda: DEFAULT_LAMBDA });
  printFolds('Leave-one-model-out with prompts held out too (5 prompt folds)', strict);
  const nested = argv.includes('--nested') ? extended(data.rows, config) : undefined;
  writeFileSync(MODEL_FILE, json);
  writeFileSync(REPORT_FILE, modelReport({ model, bytes: Buffer.byteLength(json), lomo, strict, nested }));
  console.log(`\nWrote ${MODEL_FILE} (${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB) and ${REPORT_FILE}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
