import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/issues.js';

/** The input fields a rubric template can show, all from JudgeInput. */
export const RUBRIC_FIELDS = ['prompt', 'response', 'reference', 'choices', 'other'] as const;
export type RubricField = (typeof RUBRIC_FIELDS)[number];

/** Filled by the judge from the rubric's labels and `answer`: the JSON object the judge model must reply with. */
export const FORMAT_PLACEHOLDER = 'format';

const NAME = /^[a-z][a-z0-9_]*$/;
const PLACEHOLDER = /\{(\w+)\}/g;

/** The `{name}` placeholders in a template, in order (repeats kept). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/**
 * The tag names that fence each field placeholder in a template: a field must stand alone between an
 * opening and a closing tag (`<answer>\n{response}\n</answer>`), so the judge model can tell data from
 * instructions. Returns undefined for a placeholder that is not fenced.
 */
export function fenceOf(template: string, field: string): string | undefined {
  const re = new RegExp(`<([a-z][a-z0-9_]*)>[ \\t]*\\n?[ \\t]*\\{${field}\\}[ \\t]*\\n?[ \\t]*</\\1>`, 'g');
  const found = [...template.matchAll(re)];
  const all = placeholders(template).filter((p) => p === field).length;
  return found.length > 0 && found.length === all ? found[0][1] : undefined;
}

const rubricObject = z.strictObject({
  id: z.string().regex(NAME, 'expected a lower-case name (letters, digits, _)'),
  description: z.string().min(1),
  /** The labels the judge may give. */
  labels: z.array(z.string().regex(NAME, 'expected a lower-case label (letters, digits, _)')).min(2),
  /** Labels that count as the trustworthy outcome, where that does not depend on the case (for docs). */
  pass: z.array(z.string()).optional(),
  /** Input fields the rubric needs: a judge given an input without one of them fails with a clear error. */
  fields: z.array(z.enum(RUBRIC_FIELDS)).min(1),
  /** Input fields shown when present, as "(none)" when absent. */
  optional: z.array(z.enum(RUBRIC_FIELDS)).default([]),
  /** The JSON answer asked for: {"label": <one of labels>, "reason": ...}; the texts describe each key to the judge. */
  answer: z.strictObject({ label: z.string().min(1), reason: z.string().min(1) }),
  system: z.string().min(1),
  user: z.string().min(1),
});

export const rubricSchema = rubricObject.superRefine((r, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const dup = r.labels.find((l, i) => r.labels.indexOf(l) !== i);
  if (dup) issue(['labels'], `label "${dup}" is listed twice`);
  r.pass?.forEach((p, i) => { if (!r.labels.includes(p)) issue(['pass', i], `"${p}" is not one of the labels (${r.labels.join(', ')})`); });
  if (!r.fields.includes('response')) issue(['fields'], 'a rubric judges a response: fields must include "response"');
  r.optional.forEach((f, i) => { if (r.fields.includes(f)) issue(['optional', i], `"${f}" is already a required field`); });
  const known = new Set<string>([...r.fields, ...r.optional, FORMAT_PLACEHOLDER]);
  const used = new Set(placeholders(r.user));
  for (const p of placeholders(r.system)) issue(['system'], `the system template takes no placeholders, found {${p}}`);
  for (const p of used) if (!known.has(p)) issue(['user'], `unknown placeholder {${p}}: not in fields or optional`);
  for (const f of [...r.fields, ...r.optional]) {
    if (!used.has(f)) issue(['user'], `field "${f}" is never shown: add {${f}} to the template`);
    else if (!fenceOf(r.user, f)) issue(['user'], `{${f}} must stand alone between tags, e.g. <${f}>\\n{${f}}\\n</${f}>`);
  }
  if (!used.has(FORMAT_PLACEHOLDER)) issue(['user'], `the template must show the answer format with {${FORMAT_PLACEHOLDER}}`);
  const withoutFormat = r.user.replaceAll(`{${FORMAT_PLACEHOLDER}}`, '');
  for (const l of r.labels) if (!withoutFormat.includes(l)) issue(['user'], `label "${l}" is never explained in the template`);
  if (!/json/i.test(r.system + r.user)) issue(['user'], 'the templates must ask for JSON (JSON mode needs the word)');
});

export type Rubric = z.infer<typeof rubricSchema>;

/** Parse and validate one rubric file's text; errors name the file and the field path. */
export function parseRubric(file: string, text: string): Rubric {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = rubricSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid rubric:\n${formatIssues(file, parsed.error.issues)}`);
  return parsed.data;
}
