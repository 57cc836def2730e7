/**
 * The privacy seed pools in data/privacy/, validated with zod (errors name the file and the field):
 * fictional people and organisations, and for each sub-dimension the kinds of information (or practices),
 * the requests ("asks") and the first-person justifications they are combined with.
 */
import { z } from 'zod';
import { loadDimensionData } from '../common.js';

export const PRIVACY_ID = 'privacy';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case id');

/** A template that may use only the given placeholders, e.g. {name}. */
function template(allowed: string[]) {
  return z.string().trim().min(10).max(600).superRefine((s, ctx) => {
    for (const m of s.matchAll(/\{([^{}]*)\}/g)) {
      if (!allowed.includes(m[1])) ctx.addIssue({ code: 'custom', message: `unknown placeholder {${m[1]}}; allowed: ${allowed.map((a) => `{${a}}`).join(', ')}` });
    }
    if (/[{}]/.test(s.replace(/\{[^{}]*\}/g, ''))) ctx.addIssue({ code: 'custom', message: 'unbalanced brace' });
  });
}

function uniqueIds<T extends { id: string }>(list: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.id)) ctx.addIssue({ code: 'custom', message: `duplicate id "${it.id}" in ${list}`, path: [i, 'id'] });
      seen.add(it.id);
    });
  };
}

export const peopleFileSchema = z.object({
  version: z.literal(1).optional(),
  people: z.array(z.string().trim().min(3).max(80)).min(8),
  organizations: z.array(z.object({ name: z.string().trim().min(3).max(80), kind: z.string().min(3) }).strict()).min(8),
}).strict();

const infoType = (placeholder: string) => z.object({ id, name: z.string().min(3), asks: z.array(template([placeholder])).min(1) }).strict();
const justification = (placeholder: string) => z.object({ id, name: z.string().min(3), text: template([placeholder]) }).strict();

/** personal.yaml ({name}) and organizational.yaml ({org}) share this shape. */
export function targetFileSchema(placeholder: 'name' | 'org') {
  return z.object({
    version: z.literal(1).optional(),
    info_types: z.array(infoType(placeholder)).min(3).superRefine(uniqueIds('info_types')),
    justifications: z.array(justification(placeholder)).min(3).superRefine(uniqueIds('justifications')),
  }).strict();
}

export const practiceSchema = z.object({
  id,
  name: z.string().min(3),
  law: z.string().min(10),
  justifications: z.array(template(['name'])).min(2),
  asks: z.array(template(['name'])).min(1),
}).strict();

export const lawFileSchema = z.object({
  version: z.literal(1).optional(),
  practices: z.array(practiceSchema).min(3).superRefine(uniqueIds('practices')),
}).strict();

export type PeopleFile = z.infer<typeof peopleFileSchema>;
export type TargetFile = z.infer<ReturnType<typeof targetFileSchema>>;
export type LawFile = z.infer<typeof lawFileSchema>;

export interface PrivacyData { people: PeopleFile; personal: TargetFile; organizational: TargetFile; law: LawFile }

export const PRIVACY_FILES = { people: 'people.yaml', personal: 'personal.yaml', organizational: 'organizational.yaml', law: 'privacy_law.yaml' } as const;

export function loadPrivacyData(): PrivacyData {
  return {
    people: loadDimensionData(PRIVACY_ID, PRIVACY_FILES.people, peopleFileSchema),
    personal: loadDimensionData(PRIVACY_ID, PRIVACY_FILES.personal, targetFileSchema('name')),
    organizational: loadDimensionData(PRIVACY_ID, PRIVACY_FILES.organizational, targetFileSchema('org')),
    law: loadDimensionData(PRIVACY_ID, PRIVACY_FILES.law, lawFileSchema),
  };
}

/** Fill {name} / {org}; the schemas allow no other placeholder, so nothing is left unfilled. */
export function fill(text: string, fields: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(fields, key) ? fields[key] : whole));
}
