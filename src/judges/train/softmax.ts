/**
 * Multinomial logistic regression (softmax) on sparse rows, L2-regularised, trained full batch with L-BFGS.
 * Deterministic: fixed iteration order, no randomness, so the same data gives the same weights bit for bit.
 */

export interface SparseRow { idx: Int32Array; val: Float64Array; y: number }

export interface SoftmaxOptions {
  classes: number;
  features: number;
  /** L2 penalty on the weights (not the biases), on the mean log loss. */
  lambda: number;
  maxIter?: number;
  /** Stop when the gradient norm falls below this. */
  gradTol?: number;
  /** L-BFGS history length. */
  memory?: number;
}

export interface SoftmaxFit {
  /** Feature-major weights: w[f * classes + k]. */
  w: Float64Array;
  b: Float64Array;
  loss: number;
  iterations: number;
}

/** One row's loss term and gradient for three classes, unrolled (the general loop, specialised: same arithmetic order). */
function rowThree(theta: Float64Array, g: Float64Array, r: SparseRow, nW: number, inv: number): number {
  let s0 = theta[nW];
  let s1 = theta[nW + 1];
  let s2 = theta[nW + 2];
  const idx = r.idx;
  const val = r.val;
  for (let j = 0; j < idx.length; j++) {
    const base = idx[j] * 3;
    const v = val[j];
    s0 += theta[base] * v;
    s1 += theta[base + 1] * v;
    s2 += theta[base + 2] * v;
  }
  let max = s0;
  if (s1 > max) max = s1;
  if (s2 > max) max = s2;
  const e0 = Math.exp(s0 - max);
  const e1 = Math.exp(s1 - max);
  const e2 = Math.exp(s2 - max);
  const z = e0 + e1 + e2;
  const loss = -Math.log((r.y === 0 ? e0 : r.y === 1 ? e1 : e2) / z) * inv;
  const d0 = (e0 / z - (r.y === 0 ? 1 : 0)) * inv;
  const d1 = (e1 / z - (r.y === 1 ? 1 : 0)) * inv;
  const d2 = (e2 / z - (r.y === 2 ? 1 : 0)) * inv;
  for (let j = 0; j < idx.length; j++) {
    const base = idx[j] * 3;
    const v = val[j];
    g[base] += d0 * v;
    g[base + 1] += d1 * v;
    g[base + 2] += d2 * v;
  }
  g[nW] += d0;
  g[nW + 1] += d1;
  g[nW + 2] += d2;
  return loss;
}

/** Mean negative log likelihood + lambda/2 ||w||^2, and its gradient into g (same layout as theta = [w..., b...]). */
function lossAndGradient(theta: Float64Array, g: Float64Array, rows: SparseRow[], o: SoftmaxOptions): number {
  const K = o.classes;
  const nW = o.features * K;
  g.fill(0);
  const s = new Float64Array(K);
  let loss = 0;
  const inv = 1 / rows.length;
  for (const r of rows) {
    if (K === 3) {
      loss += rowThree(theta, g, r, nW, inv);
      continue;
    }
    for (let k = 0; k < K; k++) s[k] = theta[nW + k];
    for (let j = 0; j < r.idx.length; j++) {
      const base = r.idx[j] * K;
      const v = r.val[j];
      for (let k = 0; k < K; k++) s[k] += theta[base + k] * v;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (s[k] > max) max = s[k];
    let z = 0;
    for (let k = 0; k < K; k++) {
      s[k] = Math.exp(s[k] - max);
      z += s[k];
    }
    loss -= Math.log(s[r.y] / z) * inv;
    for (let k = 0; k < K; k++) s[k] = (s[k] / z - (k === r.y ? 1 : 0)) * inv;
    for (let j = 0; j < r.idx.length; j++) {
      const base = r.idx[j] * K;
      const v = r.val[j];
      for (let k = 0; k < K; k++) g[base + k] += s[k] * v;
    }
    for (let k = 0; k < K; k++) g[nW + k] += s[k];
  }
  let reg = 0;
  for (let i = 0; i < nW; i++) {
    reg += theta[i] * theta[i];
    g[i] += o.lambda * theta[i];
  }
  return loss + 0.5 * o.lambda * reg;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Train from zero weights with L-BFGS (two-loop recursion, backtracking Armijo line search). */
export function trainSoftmax(rows: SparseRow[], o: SoftmaxOptions): SoftmaxFit {
  const K = o.classes;
  const n = o.features * K + K;
  const maxIter = o.maxIter ?? 300;
  const gradTol = o.gradTol ?? 1e-6;
  const m = o.memory ?? 10;
  let x = new Float64Array(n);
  let g = new Float64Array(n);
  let f = lossAndGradient(x, g, rows, o);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const RHO: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const gnorm = Math.sqrt(dot(g, g));
    if (gnorm < gradTol) break;
    // d = -H g
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let h = S.length - 1; h >= 0; h--) {
      alpha[h] = RHO[h] * dot(S[h], d);
      const y = Y[h];
      for (let i = 0; i < n; i++) d[i] -= alpha[h] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      for (let i = 0; i < n; i++) d[i] /= gnorm;
    }
    for (let h = 0; h < S.length; h++) {
      const beta = RHO[h] * dot(Y[h], d);
      const s = S[h];
      for (let i = 0; i < n; i++) d[i] += s[i] * (alpha[h] - beta);
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      RHO.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / gnorm;
      slope = dot(g, d);
    }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = lossAndGradient(xNew, gNew, rows, o);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) break;
    const sVec = new Float64Array(n);
    const yVec = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sVec[i] = xNew[i] - x[i];
      yVec[i] = gNew[i] - g[i];
    }
    const sy = dot(sVec, yVec);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        RHO.shift();
      }
      S.push(sVec);
      Y.push(yVec);
      RHO.push(1 / sy);
    }
    const rel = (f - fNew) / Math.max(1, Math.abs(f));
    x = xNew;
    g = gNew;
    f = fNew;
    if (rel < 1e-10) {
      iter++;
      break;
    }
  }
  return { w: x.slice(0, o.features * K), b: x.slice(o.features * K), loss: f, iterations: iter };
}
