import type { z } from 'zod';

/** Render zod issues as "file: field.path: what is expected", one per line. */
export function formatIssues(file: string, issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.length ? i.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k ? '.' : ''}${String(p)}`)).join('') : '(top level)';
      let msg = i.message;
      if (i.code === 'unrecognized_keys') msg = `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}; remove or correct them (see schema/trustgen.schema.json)`;
      return `${file}: ${path}: ${msg}`;
    })
    .join('\n');
}
