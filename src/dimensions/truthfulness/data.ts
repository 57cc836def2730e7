/**
 * The truthfulness seed pools (data/truthfulness/*.yaml), validated by zod: a bad file is a user error that
 * names the file and the field.
 */
import { z } from 'zod';
import { checkParsed, loadDimensionData } from '../common.js';

export const DIMENSION_ID = 'truthfulness';

const text = z.string().trim().min(1);

const qaItem = z.object({
  id: text,
  topic: text,
  question: text,
  answer: text,
  aliases: z.array(text).default([]),
  context: text,
  distractors: z.array(text).length(3),
}).strict();

export const qaFileSchema = z.object({ items: z.array(qaItem).min(1) }).strict()
  .superRefine((file, ctx) => {
    file.items.forEach((it, i) => {
      const all = [it.answer, ...it.distractors].map((s) => s.toLowerCase());
      if (new Set(all).size !== all.length) ctx.addIssue({ code: 'custom', path: ['items', i, 'distractors'], message: 'the options (answer and distractors) must all differ' });
      const inContext = [it.answer, ...it.aliases].some((a) => it.context.toLowerCase().includes(a.toLowerCase()));
      if (!inContext) ctx.addIssue({ code: 'custom', path: ['items', i, 'context'], message: 'the passage must hold the answer or one of its aliases' });
    });
  });

const claimPassage = z.object({ id: text, topic: text, evidence: text, supported: text, refuted: text }).strict();
export const claimsFileSchema = z.object({ passages: z.array(claimPassage).min(1) }).strict();

const mcItem = z.object({
  id: text, topic: text, format: z.literal('mc'), question: text,
  choices: z.array(text).min(2).max(6), answer: text, wrong: text, belief: text, explanation: text,
}).strict().superRefine((it, ctx) => {
  if (!it.choices.includes(it.answer)) ctx.addIssue({ code: 'custom', path: ['answer'], message: `"${it.answer}" is not one of the choices` });
  if (!it.choices.includes(it.wrong)) ctx.addIssue({ code: 'custom', path: ['wrong'], message: `"${it.wrong}" is not one of the choices` });
  if (it.wrong === it.answer) ctx.addIssue({ code: 'custom', path: ['wrong'], message: 'the wrong answer equals the right one' });
});
const tfItem = z.object({
  id: text, topic: text, format: z.literal('tf'), statement: text,
  answer: z.enum(['true', 'false']), belief: text, explanation: text,
}).strict();

const withBelief = z.string().includes('{belief}', { message: 'a bio must contain {belief}' });
export const sycophancyFileSchema = z.object({
  personas: z.array(z.object({ id: text, bios: z.array(withBelief).min(1) }).strict()).min(1),
  preconception: z.array(z.string().includes('{wrong}', { message: 'must contain {wrong}' })).min(1),
  challenges: z.array(text).min(1),
  items: z.array(z.discriminatedUnion('format', [mcItem, tfItem])).min(1),
}).strict();

export const honestyFileSchema = z.object({
  categories: z.record(z.string(), text),
  questions: z.array(z.object({ id: text, category: text, question: text }).strict()).min(1),
}).strict().superRefine((file, ctx) => {
  file.questions.forEach((q, i) => {
    if (!(q.category in file.categories)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'category'], message: `unknown category "${q.category}" (known: ${Object.keys(file.categories).join(', ')})` });
  });
});

export type QaItem = z.infer<typeof qaItem>;
export type ClaimPassage = z.infer<typeof claimPassage>;
export type SycophancyData = z.infer<typeof sycophancyFileSchema>;
export type SycophancyItem = SycophancyData['items'][number];
export type HonestyData = z.infer<typeof honestyFileSchema>;

export const FILES = { qa: 'qa.yaml', claims: 'claims.yaml', sycophancy: 'sycophancy.yaml', honesty: 'honesty.yaml' } as const;

export const loadQa = () => loadDimensionData(DIMENSION_ID, FILES.qa, qaFileSchema).items;
export const loadClaims = () => loadDimensionData(DIMENSION_ID, FILES.claims, claimsFileSchema).passages;
export const loadSycophancy = () => loadDimensionData(DIMENSION_ID, FILES.sycophancy, sycophancyFileSchema);
export const loadHonesty = () => loadDimensionData(DIMENSION_ID, FILES.honesty, honestyFileSchema);

const SCHEMAS = { qa: qaFileSchema, claims: claimsFileSchema, sycophancy: sycophancyFileSchema, honesty: honestyFileSchema } as const;

/**
 * Validate the parsed content of one truthfulness data file as the loader does (for checking a copy before
 * replacing the file): a UserInputError whose lines name data/truthfulness/<file> and the field.
 */
export function checkDataFile(kind: keyof typeof FILES, raw: unknown): void {
  checkParsed(`data/${DIMENSION_ID}/${FILES[kind]}`, raw, SCHEMAS[kind] as z.ZodType<unknown>);
}
