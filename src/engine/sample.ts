import type { Case } from '../core/case.js';
import type { Rng } from '../util/rng.js';

/**
 * Take n cases spread evenly over sub-dimensions, then over each sub-dimension's facet
 * (e.g. each jailbreak method), shuffled by the seed within each group. Keeps the build order otherwise.
 */
export function stratifiedTake(cases: Case[], n: number, rng: Rng, facetOf: (c: Case) => string = () => ''): Case[] {
  if (n >= cases.length) return cases;
  const groups = new Map<string, Map<string, Case[]>>();
  for (const c of cases) {
    const facets = groups.get(c.subdimension) ?? new Map<string, Case[]>();
    groups.set(c.subdimension, facets);
    const f = facetOf(c);
    const list = facets.get(f) ?? [];
    list.push(c);
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
        const c = list.shift();
        if (c) { chosen.add(c); progressed = true; break; }
      }
    }
    if (!progressed) break;
  }
  return cases.filter((c) => chosen.has(c));
}
