import type { Case } from '../core/case.js';
import { canonicalJson } from '../util/hash.js';

/** Exact overlap with an earlier set (same messages). Near-duplicate overlap joins when the dedup filter lands. */
export function freshnessReport(current: Case[], earlier: Case[], earlierFile: string): string {
  const seen = new Set(earlier.map((c) => canonicalJson(c.messages)));
  const exact = current.filter((c) => seen.has(canonicalJson(c.messages))).length;
  const pct = (n: number) => (current.length ? ((100 * n) / current.length).toFixed(1) : '0.0');
  return `overlap with ${earlierFile}: ${exact} of ${current.length} cases exactly repeated (${pct(exact)}%)`;
}
