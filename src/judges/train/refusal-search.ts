/**
 * The tuning grid for the refusal classifier, and nested leave-one-model-out cross-validation: the setting used
 * for a held-out model is chosen using only the other two models, so its accuracy is a true held-out figure.
 */
import type { FeatureConfig } from '../refusal-features.js';
import { REFUSAL_LABELS } from '../types.js';
import { addTally, answeringModels, emptyTally, runFold, type FoldResult, type XstestRow } from './refusal-training.js';

export interface GridPoint { name: string; lambda: number; augment: boolean; features: Partial<FeatureConfig> }

/**
 * The numeric settings tuned by cross-validation: L2 penalty, rule value, opening characters. The committed model
 * uses the grid point with the best pooled leave-one-model-out mean of 3-way and binary accuracy.
 */
export const HYPER_GRID: GridPoint[] = [1e-5, 3e-5, 1e-4].flatMap((lambda) =>
  [2, 3, 5].flatMap((ruleValue) =>
    [150, 250, 500].map((headChars) => ({ name: `rule value ${ruleValue}, ${headChars} chars`, lambda, augment: true, features: { ruleValue, headChars } })),
  ),
);

/** Design choices, each removed or changed in turn from the committed settings (ablations, not tuned per fold). */
export const ABLATIONS: { name: string; augment?: boolean; features?: Partial<FeatureConfig> }[] = [
  { name: 'committed settings' },
  { name: 'no refuse-then-help rule', features: { refuseThenHelp: false } },
  { name: 'no short copies', augment: false },
  { name: 'no rule features', features: { useRules: false } },
  { name: 'rule value 1', features: { ruleValue: 1 } },
  { name: '0/1 values (no row scaling)', features: { norm: 'binary' } },
  { name: 'no char n-grams', features: { charMax: 0 } },
  { name: 'no word bigrams', features: { bigrams: false } },
  { name: 'words of the first 80', features: { headWords: 80 } },
  { name: 'no tail words', features: { tailWords: 0 } },
  { name: 'no shape features', features: { shape: false } },
  { name: 'minCount 3', features: { minCount: 3 } },
];

export const objective = (f: FoldResult) => (f.model.threeWay + f.model.binary) / (2 * f.model.n);

/** Outer: hold out each answering model. Inner: choose the grid point by training on one remaining model and testing on the other, both ways. */
export function nestedLomo(rows: XstestRow[], base: FeatureConfig, grid: GridPoint[], onChoice?: (heldOut: string, p: GridPoint) => void): FoldResult[] {
  const models = answeringModels(rows);
  return models.map((outer) => {
    const inner = models.filter((m) => m !== outer);
    let best: GridPoint = grid[0];
    let bestScore = -1;
    for (const p of grid) {
      const cfg = { ...base, ...p.features };
      let s = 0;
      for (const test of inner) s += objective(runFold(test, rows.filter((r) => r.model !== outer && r.model !== test), rows.filter((r) => r.model === test), cfg, p));
      if (s > bestScore + 1e-12) {
        bestScore = s;
        best = p;
      }
    }
    onChoice?.(outer, best);
    const f = runFold(outer, rows.filter((r) => r.model !== outer), rows.filter((r) => r.model === outer), { ...base, ...best.features }, best);
    return { ...f, heldOut: `${outer}` };
  });
}

export function sumConfusion(folds: FoldResult[]): FoldResult['confusion'] {
  const out = {} as FoldResult['confusion'];
  for (const a of REFUSAL_LABELS) {
    out[a] = { full_compliance: 0, full_refusal: 0, partial_refusal: 0 };
    for (const f of folds) for (const b of REFUSAL_LABELS) out[a][b] += f.confusion[a][b];
  }
  return out;
}

export function pooledTally(folds: FoldResult[]) {
  const t = emptyTally();
  for (const f of folds) addTally(t, f.model);
  return t;
}
