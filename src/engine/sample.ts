import type { Case } from '../core/case.js';
import type { Rng } from '../util/rng.js';

/**
 * Take n cases spread evenly over sub-dimensions, then over each sub-dimension's facet
 * (e.g. each jailbreak method), shuffled by the seed within each group. Keeps the build order otherwise.
 *
 * With `groupOf`, cases that share a group (a base case and its variants, compared by a pair metric) are
 * taken or left together: a group counts as one draw, placed by its first case's sub-dimension and facet,
 * and is taken only while it fits in n (the first group always does).
 */
export function stratifiedTake(cases: Case[], n: number, rng: Rng, facetOf: (c: Case) => string = () => '', groupOf?: (c: Case) => string | undefined): Case[] {
  if (n >= cases.length) return cases;
  const units: Case[][] = [];
  const byGroup = new Map<string, Case[]>();
  for (const c of cases) {
    const g = groupOf?.(c);
    if (g === undefined) { units.push([c]); continue; }
    let unit = byGroup.get(g);
    if (!unit) { unit = []; byGroup.set(g, unit); units.push(unit); }
    unit.push(c);
  }
  const groups = new Map<string, Map<string, Case[][]>>();
  for (const u of units) {
    const facets = groups.get(u[0].subdimension) ?? new Map<string, Case[][]>();
    groups.set(u[0].subdimension, facets);
    const f = facetOf(u[0]);
    const list = facets.get(f) ?? [];
    list.push(u);
    facets.set(f, list);
  }
  // Round-robin: sub-dimensions in turn, and within each, its facets in turn.
  const queues = [...groups.values()].map((facets) => ({
    lists: [...facets.values()].map((l) => rng.shuffle(l)),
    next: 0,
  }));
  const chosen = new Set<Case>();
  while (chosen.size < n) {
    let progressed = false;
    for (const q of queues) {
      if (chosen.size >= n) break;
      for (let tries = 0; tries < q.lists.length; tries++) {
        const list = q.lists[q.next % q.lists.length];
        q.next++;
        const u = list.shift();
        if (!u) continue;
        progressed = true;
        if (chosen.size === 0 || chosen.size + u.length <= n) { for (const c of u) chosen.add(c); break; }
      }
    }
    if (!progressed) break;
  }
  return cases.filter((c) => chosen.has(c));
}
