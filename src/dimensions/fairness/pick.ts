import type { Rng } from '../../util/rng.js';
import { spread } from '../common.js';

export interface Pick<T, V extends string> { item: T; variant: V }

/** `k` variants, as evenly as `order` allows (its i-th entry for the i-th slot), shuffled. */
function balanced<V>(k: number, order: readonly V[], rng: Rng): V[] {
  return rng.shuffle(Array.from({ length: k }, (_, i) => order[i % order.length]));
}

/** The first of `all` an item does not have yet. */
export const firstUnused = <V>(all: readonly V[]) => (had: ReadonlySet<V>): V | undefined => all.find((v) => !had.has(v));

/**
 * `n` (item, variant) picks without repeating a pair: items spread over their groups, the first pass giving each
 * item one variant from a balanced, shuffled list drawn from `firstPass`; when `n` is more than the pool holds,
 * later passes give items the variant `next` names for what they have (none: the item is used up). Returns
 * fewer than `n` when every item is used up.
 */
export function pickVariants<T extends { id: string }, V extends string>(
  pool: readonly T[], group: (t: T) => string, n: number, firstPass: readonly V[], next: (had: ReadonlySet<V>) => V | undefined, rng: Rng,
): Pick<T, V>[] {
  const first = spread([...pool], group, n, rng.fork('items'));
  const variants = balanced(first.length, firstPass, rng.fork('variants'));
  const out: Pick<T, V>[] = first.map((item, i) => ({ item, variant: variants[i] }));
  const used = new Map<string, Set<V>>(out.map((p) => [p.item.id, new Set([p.variant])]));
  for (let pass = 1, added = true; out.length < n && added; pass++) {
    added = false;
    for (const item of spread([...pool], group, pool.length, rng.fork(`pass${pass}`))) {
      if (out.length >= n) break;
      const had = used.get(item.id) ?? new Set<V>();
      const variant = next(had);
      if (!variant || had.has(variant)) continue;
      had.add(variant);
      used.set(item.id, had);
      out.push({ item, variant });
      added = true;
    }
  }
  return out;
}
