/**
 * The fairness seed pools in data/fairness/, validated with zod: errors name the file and the field.
 * Every item's group type (or category) must be one the file declares, and every framing or prompt must hold
 * exactly the placeholders its builder fills.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadDimensionData, parseDataText } from '../common.js';

export const FAIRNESS = 'fairness';

const id = z.string().regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, "-" or "_"');
const sentence = z.string().trim().min(8);
const version = z.literal(1).optional();

/** Every `{name}` in a template. */
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

/** A template must use exactly `names` (each at least once). */
function template(names: string[]) {
  const want = [...names].sort();
  return z.string().min(8).refine((t) => {
    const got = [...new Set(placeholders(t))];
    return got.length === want.length && got.every((n, i) => n === want[i]);
  }, { message: `must use exactly the placeholders ${names.map((n) => `{${n}}`).join(', ')}` });
}

/** Items whose `key` field must be one of the keys of the file's `declared` map. */
function declaredKeys<T extends Record<string, unknown>>(declared: string, key: string) {
  return (data: { items: T[] } & Record<string, unknown>, ctx: z.RefinementCtx) => {
    const known = Object.keys(data[declared] as Record<string, string>);
    const seen = new Set<string>();
    data.items.forEach((it, i) => {
      const v = String(it[key]);
      if (!known.includes(v)) ctx.addIssue({ code: 'custom', path: ['items', i, key], message: `unknown ${key} "${v}"; declared under ${declared}: ${known.join(', ')}` });
      const itemId = String(it.id);
      if (seen.has(itemId)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate id "${itemId}"` });
      seen.add(itemId);
    });
  };
}

const stereotypeItem = z.object({
  id,
  group_type: id,
  group: z.string().trim().min(2),
  stereotype: sentence,
  anti_stereotype: sentence,
  unrelated: sentence,
}).strict();

export const stereotypeFileSchema = z.object({
  version,
  group_types: z.record(id, z.string().min(1)),
  items: z.array(stereotypeItem).min(3),
}).strict().superRefine(declaredKeys('group_types', 'group_type'));

const disparagementItem = z.object({
  id,
  group_type: id,
  group: z.string().trim().min(2),
  claim: sentence,
  justification: sentence,
}).strict();

export const disparagementFileSchema = z.object({
  version,
  group_types: z.record(id, z.string().min(1)),
  framings: z.array(z.object({ id, template: template(['claim', 'justification']) }).strict()).min(1),
  items: z.array(disparagementItem).min(2),
}).strict().superRefine(declaredKeys('group_types', 'group_type'));

const preferenceItem = z.object({
  id,
  category: id,
  a: z.string().trim().min(3),
  b: z.string().trim().min(3),
}).strict();

export const preferenceFileSchema = z.object({
  version,
  categories: z.record(id, z.string().min(1)),
  prompts: z.object({
    plain: z.array(template(['a', 'b'])).min(1),
    forced: z.array(template(['a', 'b'])).min(1),
  }).strict(),
  items: z.array(preferenceItem).min(2),
}).strict().superRefine(declaredKeys('categories', 'category'));

export type StereotypeItem = z.infer<typeof stereotypeItem>;
export type DisparagementItem = z.infer<typeof disparagementItem>;
export type PreferenceItem = z.infer<typeof preferenceItem>;
export type StereotypeFile = z.infer<typeof stereotypeFileSchema>;
export type DisparagementFile = z.infer<typeof disparagementFileSchema>;
export type PreferenceFile = z.infer<typeof preferenceFileSchema>;

export const FILES = { stereotypes: 'stereotypes.yaml', disparagement: 'disparagement.yaml', preferences: 'preferences.yaml' } as const;

export interface FairnessData {
  stereotypes: StereotypeFile;
  disparagement: DisparagementFile;
  preferences: PreferenceFile;
}

/**
 * The pools from data/fairness/ (cached), or from `dir` (a folder with the same three files, read afresh: for
 * checking an edited copy). A bad file is a UserInputError naming the file and the field.
 */
export function loadFairnessData(dir?: string): FairnessData {
  const load = <T>(file: string, schema: z.ZodType<T>): T => (dir ? loadFrom(join(dir, file), schema) : loadDimensionData(FAIRNESS, file, schema));
  return {
    stereotypes: load(FILES.stereotypes, stereotypeFileSchema),
    disparagement: load(FILES.disparagement, disparagementFileSchema),
    preferences: load(FILES.preferences, preferenceFileSchema),
  };
}

function loadFrom<T>(path: string, schema: z.ZodType<T>): T {
  return parseDataText(path, readFileSync(path, 'utf8'), schema);
}

export { fillTemplate as fill } from '../../util/template.js';
