/**
 * Interval arithmetic for comparing two runs.
 *
 * A sub-dimension's metric is a proportion p over n cases. The 95% interval of the difference of two such
 * proportions is Newcombe's hybrid score interval (Newcombe 1998, method 10): Wilson intervals for each side,
 * combined by the square-and-add rule. A dimension score (mean of its sub-dimension proportions) and the overall
 * score (mean of dimension scores) get their intervals by the same rule (MOVER, Zou & Donner 2008, of which
 * Newcombe's interval is the two-proportion case), and their differences too. A change is significant when the
 * interval of the difference excludes 0.
 *
 * Everything here works on proportions in [0, 1]; callers convert from and to 0-100 points.
 */

const Z95 = 1.959963984540054;

/** An estimate with its 95% interval, all in [0, 1]. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

/** Wilson score interval for a proportion p observed over n trials (p need not be k/n for an integer k). */
export function wilson(p: number, n: number): Estimate | null {
  if (!(n > 0) || !Number.isFinite(p)) return null;
  const q = Math.min(1, Math.max(0, p));
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (q + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((q * (1 - q)) / n + z2 / (4 * n * n))) / denom;
  return { value: q, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** MOVER interval of the unweighted mean of independent estimates (null when there are none). */
export function meanOf(parts: Estimate[]): Estimate | null {
  if (parts.length === 0) return null;
  const m = parts.length;
  const value = parts.reduce((a, x) => a + x.value, 0) / m;
  const below = Math.sqrt(parts.reduce((a, x) => a + (x.value - x.lo) ** 2, 0)) / m;
  const above = Math.sqrt(parts.reduce((a, x) => a + (x.hi - x.value) ** 2, 0)) / m;
  return { value, lo: value - below, hi: value + above };
}

/** Newcombe / MOVER interval of b - a. */
export function differenceOf(a: Estimate, b: Estimate): Estimate {
  const d = b.value - a.value;
  return {
    value: d,
    lo: d - Math.sqrt((b.value - b.lo) ** 2 + (a.hi - a.value) ** 2),
    hi: d + Math.sqrt((b.hi - b.value) ** 2 + (a.value - a.lo) ** 2),
  };
}

/** Significant at 95%: the interval of the difference does not contain 0. */
export function excludesZero(d: Estimate): boolean {
  return d.lo > 0 || d.hi < 0;
}
