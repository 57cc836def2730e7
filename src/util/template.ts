/**
 * Fill `{name}` placeholders in one pass, so text inside a value is never itself expanded; names without a
 * value stay as they are.
 */
export function fillTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(fields, key) ? fields[key] : whole));
}
