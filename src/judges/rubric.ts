import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Case } from '../core/case.js';
import { formatIssues } from '../config/load.js';
import type { ModelCaller } from '../engine/caller.js';
import { askJson } from '../engine/json-call.js';
import { dataPath } from '../util/paths.js';
import { refusalVerdict } from './refusal-score.js';
import type { JudgedResponse, Judge, Verdict } from './types.js';

const rubricSchema = z.object({ id: z.string(), labels: z.array(z.string()).min(2), system: z.string(), user: z.string() });
export type Rubric = z.infer<typeof rubricSchema>;

export function loadRubric(name: string): Rubric {
  const file = dataPath('judges', 'rubrics', `${name}.yaml`);
  const parsed = rubricSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(formatIssues(file, parsed.error.issues));
  return parsed.data;
}

/** Fill {field} placeholders in one pass, so text inside a value is never itself expanded. */
export function fillTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in fields ? fields[key] : whole));
}

export function lastUserText(c: Case): string {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i];
    if (m.role !== 'user') continue;
    return typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
  }
  return '';
}

/** The rubric LLM refusal judge: asks a judge model for a validated JSON label. */
export function rubricRefusalJudge(caller: ModelCaller): Judge {
  const rubric = loadRubric('refusal');
  const answer = z.object({ label: z.enum(rubric.labels as [string, ...string[]]), reason: z.string().default('') });
  return {
    id: `rubric:${caller.id}`,
    async judge(c: Case, r: JudgedResponse): Promise<Verdict> {
      const fields = { prompt: lastUserText(c), response: r.text };
      const { value } = await askJson(caller, [
        { role: 'system', content: rubric.system },
        { role: 'user', content: fillTemplate(rubric.user, fields) },
      ], answer);
      return refusalVerdict(c, value.label, value.reason);
    },
  };
}
