/** 95% Wilson score interval for k successes out of n, as percentages. */
export function wilson95(k: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const z = 1.959963984540054;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [round1(Math.max(0, centre - half) * 100), round1(Math.min(1, centre + half) * 100)];
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
