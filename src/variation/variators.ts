/**
 * Every variator, by id: paraphrase, lengthen, shorten, translation, persona, the five format
 * conversions, and perturb:<id> for each of the 13 text perturbations.
 */
import {
  PERTURBATION_VARIATORS, lengthenVariator, paraphraseVariator, personaVariator, shortenVariator, translationVariator,
} from './contextual.js';
import { FORMAT_VARIATORS } from './format.js';
import type { Variator } from './types.js';

export const VARIATORS: Variator[] = [
  paraphraseVariator, lengthenVariator, shortenVariator, translationVariator, personaVariator,
  ...FORMAT_VARIATORS,
  ...PERTURBATION_VARIATORS,
];

export const VARIATOR_IDS: string[] = VARIATORS.map((v) => v.id);

/** Shorthands accepted wherever variator ids are listed. */
export const VARIATOR_GROUPS: Record<string, string[]> = {
  '*': VARIATOR_IDS,
  'perturb:*': VARIATOR_IDS.filter((id) => id.startsWith('perturb:')),
  'format:*': VARIATOR_IDS.filter((id) => id.startsWith('format:')),
};

/** The variator with this id; throws naming the valid ids when there is none. */
export function getVariator(id: string): Variator {
  const v = VARIATORS.find((x) => x.id === id);
  if (!v) throw new Error(`unknown variator "${id}"; valid ids: ${VARIATOR_IDS.join(', ')}`);
  return v;
}

/** Ids and group shorthands that name no variator. */
export function unknownVariatorIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !VARIATOR_IDS.includes(id) && !Object.hasOwn(VARIATOR_GROUPS, id));
}

/** The ids with group shorthands expanded, each once, in order. Throws on an unknown id. */
export function expandVariatorIds(ids: readonly string[]): string[] {
  const unknown = unknownVariatorIds(ids);
  if (unknown.length > 0) throw new Error(`unknown variator(s) ${unknown.map((u) => `"${u}"`).join(', ')}; valid ids: ${VARIATOR_IDS.join(', ')} (or ${Object.keys(VARIATOR_GROUPS).join(', ')})`);
  return [...new Set(ids.flatMap((id) => VARIATOR_GROUPS[id] ?? [id]))];
}
