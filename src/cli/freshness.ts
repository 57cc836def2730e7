import type { Case } from '../core/case.js';
import { overlap } from '../metadata/dedup.js';

/** Freshness of a new set against an earlier one: exact and near-duplicate overlap (Jaccard of word 3-shingles >= threshold). */
export function freshnessReport(current: Case[], earlier: Case[], earlierFile: string, threshold = 0.8): string {
  const o = overlap(current, earlier, threshold);
  const pct = (x: number) => (100 * x).toFixed(1);
  const lines = [
    `overlap with ${earlierFile}: ${o.exact} of ${o.total} cases exactly repeated (${pct(o.exactShare)}%), ${o.near} near duplicates (${pct(o.nearShare)}%, Jaccard >= ${threshold})`,
  ];
  return lines.join('\n');
}
