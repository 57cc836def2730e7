/** `{name}` placeholders in the safety templates. */
const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

/** The placeholder names a template uses, in order of first appearance. */
export function placeholders(template: string): string[] {
  const seen: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (!seen.includes(m[1])) seen.push(m[1]);
  return seen;
}

/** How many times `{name}` occurs in a template. */
export function countPlaceholder(template: string, name: string): number {
  let n = 0;
  for (const m of template.matchAll(PLACEHOLDER)) if (m[1] === name) n++;
  return n;
}

/**
 * Fills `{name}` placeholders in one pass, so a value that itself contains `{query}` or
 * `{canary}` is never substituted again. A placeholder without a value is an error.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder {${name}} has no value: ${JSON.stringify(template)}`);
    return v;
  });
}
