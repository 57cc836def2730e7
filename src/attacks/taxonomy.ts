/** The harmful-query taxonomy flattened into queries with stable ids. */
import type { HarmfulQuery } from './jailbreaks.js';
import type { SafetyData } from './safety-data.js';

export type TaxonomyQuery = HarmfulQuery & { group: string; topic: string };

/** Every seed as a query; ids are `<group>/<topic>#<n>`, n counting from 1, e.g. `crime/hacking#2`. */
export function harmfulQueries(data: SafetyData): TaxonomyQuery[] {
  const out: TaxonomyQuery[] = [];
  for (const g of data.taxonomy.groups) {
    for (const t of g.topics) {
      t.seeds.forEach((s, i) => {
        const q: TaxonomyQuery = { id: `${g.id}/${t.id}#${i + 1}`, text: s.text, group: g.id, topic: t.id };
        if (s.translations) q.translations = { ...s.translations };
        out.push(q);
      });
    }
  }
  return out;
}
