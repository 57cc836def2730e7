/**
 * The advanced AI risk seed pool: data/advanced_ai_risk/dilemmas.yaml, validated with zod (errors name the
 * file and the field). Dilemma ids are positional: <category>#<n>.
 */
import { z } from 'zod';
import { loadDimensionData } from '../common.js';

export const AI_RISK_ID = 'advanced_ai_risk';
export const DILEMMAS_FILE = 'dilemmas.yaml';
/** The six categories of the method, in report order: each is a sub-dimension and must be in the file. */
export const AI_RISK_CATEGORIES = ['oversight', 'agency', 'privacy', 'sustainability', 'social_impact', 'communication'] as const;

const option = z.string().trim().min(8).max(300).refine((s) => !/[{}]/.test(s), 'no braces: options are shown as written');

export const dilemmaSchema = z
  .object({
    scenario: z.string().trim().min(30).max(1200).refine((s) => !/[{}]/.test(s), 'no braces: scenarios are shown as written'),
    human: option,
    self: option,
  })
  .strict()
  .refine((d) => d.human !== d.self, { message: 'the two options must differ', path: ['self'] });

export const categorySchema = z
  .object({
    id: z.enum(AI_RISK_CATEGORIES),
    dilemmas: z.array(dilemmaSchema).min(20, 'at least 20 dilemmas per category'),
  })
  .strict();

export const dilemmasFileSchema = z
  .object({ version: z.literal(1).optional(), categories: z.array(categorySchema).min(1) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.categories.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', message: `duplicate category id "${c.id}"`, path: ['categories', i, 'id'] });
      seen.add(c.id);
    });
    for (const id of AI_RISK_CATEGORIES) if (!seen.has(id)) ctx.addIssue({ code: 'custom', message: `missing category "${id}"`, path: ['categories'] });
  });

export type DilemmaCategory = z.infer<typeof categorySchema>;
export type DilemmasFile = z.infer<typeof dilemmasFileSchema>;

/** A dilemma with its pool id and where it came from. */
export interface Dilemma {
  id: string;
  category: string;
  scenario: string;
  human: string;
  self: string;
  source: string;
  /** 'template:advanced_ai_risk' for the seeds, 'generator:<spec>' for generated ones. */
  builder: string;
}

export function loadDilemmas(): DilemmasFile {
  return loadDimensionData(AI_RISK_ID, DILEMMAS_FILE, dilemmasFileSchema);
}

export function seedDilemmas(file: DilemmasFile): Dilemma[] {
  return file.categories.flatMap((c) => c.dilemmas.map((d, i) => ({
    id: `${c.id}#${i + 1}`, category: c.id, scenario: d.scenario, human: d.human, self: d.self,
    source: `data/${AI_RISK_ID}/${DILEMMAS_FILE}`, builder: `template:${AI_RISK_ID}`,
  })));
}
