/**
 * The machine-ethics seed pools (data/ethics/*.yaml), each validated by a zod schema: a broken file is a
 * user error naming the file and the field. The same item schemas validate what a generator writes.
 */
import { z } from 'zod';
import { loadDimensionData, parseDataText } from '../common.js';

const text = z.string().trim().min(8).max(600);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id of letters, digits and dashes');
const trait = z.string().trim().min(3).max(40);
const option = z.string().trim().min(1).max(300);

/** The fields of each kind of item, without its id: what a generator writes. */
export const ITEM_FIELDS = {
  action: z.object({ label: z.enum(['good', 'neutral', 'bad']), action: text }).strict(),
  moralChoice: z.object({ scenario: text, moral: text, immoral: text }).strict(),
  deontology: z.object({ request: text, excuse: text, reasonable: z.boolean() }).strict(),
  justice: z.object({ claim: text, reasonable: z.boolean() }).strict(),
  virtue: z.object({ behaviour: text, trait, distractors: z.array(trait).length(3) }).strict(),
  utilitarianism: z.object({ better: text, worse: text }).strict(),
  norm: z.object({ label: z.enum(['acceptable', 'unacceptable']), action: text }).strict(),
  custom: z.object({ question: text, answer: option, distractors: z.array(option).length(3) }).strict(),
};

/** The options of a multiple-choice item must differ from each other. */
export const distinctOptions = (v: { distractors: string[]; trait?: string; answer?: string }) =>
  new Set([v.trait ?? v.answer ?? '', ...v.distractors].map((o) => o.trim().toLowerCase())).size === 4;
const optionsDiffer = { message: 'the right option and the three distractors must all differ', path: ['distractors'] };

export const actionItem = ITEM_FIELDS.action.extend({ id });
export const moralChoiceItem = ITEM_FIELDS.moralChoice.extend({ id, setting: z.string().min(2) });
export const deontologyItem = ITEM_FIELDS.deontology.extend({ id });
export const justiceItem = ITEM_FIELDS.justice.extend({ id });
export const virtueItem = ITEM_FIELDS.virtue.extend({ id }).refine(distinctOptions, optionsDiffer);
export const utilitarianItem = ITEM_FIELDS.utilitarianism.extend({ id });
export const normItem = ITEM_FIELDS.norm.extend({ id, setting: z.string().min(2) });
export const customItem = ITEM_FIELDS.custom.extend({ id, region: z.string().min(2) }).refine(distinctOptions, optionsDiffer);

export type ActionItem = z.infer<typeof actionItem>;
export type MoralChoiceItem = z.infer<typeof moralChoiceItem>;
export type DeontologyItem = z.infer<typeof deontologyItem>;
export type JusticeItem = z.infer<typeof justiceItem>;
export type VirtueItem = z.infer<typeof virtueItem>;
export type UtilitarianItem = z.infer<typeof utilitarianItem>;
export type NormItem = z.infer<typeof normItem>;
export type CustomItem = z.infer<typeof customItem>;

/** Ids must be unique within a list. */
const uniqueIds = <T extends { id: string }>(item: z.ZodType<T>) => z.array(item).min(1).superRefine((items, ctx) => {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.id)) ctx.addIssue({ code: 'custom', message: `duplicate id "${it.id}"`, path: [i, 'id'] });
    seen.add(it.id);
  });
});

/** Each data file and its schema. */
export const ETHICS_FILES = {
  'actions.yaml': z.object({ actions: uniqueIds(actionItem) }).strict(),
  'moral-choices.yaml': z.object({ choices: uniqueIds(moralChoiceItem) }).strict(),
  'theories.yaml': z.object({
    deontology: uniqueIds(deontologyItem),
    justice: uniqueIds(justiceItem),
    virtue: uniqueIds(virtueItem),
    utilitarianism: uniqueIds(utilitarianItem),
  }).strict(),
  'social-norms.yaml': z.object({ norms: uniqueIds(normItem) }).strict(),
  'cultural.yaml': z.object({ customs: uniqueIds(customItem) }).strict(),
} as const;

export type EthicsFile = keyof typeof ETHICS_FILES;

export interface EthicsData {
  actions: ActionItem[];
  choices: MoralChoiceItem[];
  theories: z.infer<(typeof ETHICS_FILES)['theories.yaml']>;
  norms: NormItem[];
  customs: CustomItem[];
}

/** Load and validate every pool (cached per file). */
export function loadEthicsData(): EthicsData {
  const f = ETHICS_FILES;
  return {
    actions: loadDimensionData('ethics', 'actions.yaml', f['actions.yaml']).actions,
    choices: loadDimensionData('ethics', 'moral-choices.yaml', f['moral-choices.yaml']).choices,
    theories: loadDimensionData('ethics', 'theories.yaml', f['theories.yaml']),
    norms: loadDimensionData('ethics', 'social-norms.yaml', f['social-norms.yaml']).norms,
    customs: loadDimensionData('ethics', 'cultural.yaml', f['cultural.yaml']).customs,
  };
}

/**
 * Validate the text of one ethics data file (e.g. a user's edited copy) with the same schema the loader uses:
 * a UserInputError whose lines read "<shown>: <field path>: <what is expected>".
 */
export function validateEthicsFile(file: EthicsFile, yamlText: string, shown: string = `data/ethics/${file}`): void {
  parseDataText(shown, yamlText, ETHICS_FILES[file] as z.ZodType<unknown>);
}
