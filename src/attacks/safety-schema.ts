/**
 * zod schemas for the files in data/safety/ and the types they produce.
 * The checks here are the ones the builders rely on (placeholders present, ids unique, the fixed
 * method and attack ids all there); content counts (how many topics, questions) are left to tests.
 */
import { z } from 'zod';
import { countPlaceholder, placeholders } from './template.js';

export const JAILBREAK_IDS = [
  'persuasion', 'chain_of_thought', 'context_ignoring', 'multi_task', 'refusal_suppression',
  'payload_splitting', 'prefix_injection', 'style_injection', 'role_playing', 'few_shot',
  'obscured_prompt', 'scenario', 'translation', 'typos', 'separators', 'encoding',
] as const;
export type JailbreakId = (typeof JAILBREAK_IDS)[number];

export const INJECTION_ATTACK_IDS = ['naive', 'escape_characters', 'context_ignoring', 'fake_completion', 'combined'] as const;
export type InjectionAttackId = (typeof INJECTION_ATTACK_IDS)[number];

export const TRANSLATION_LANGUAGES = ['fr', 'es', 'de', 'zh'] as const;

type Ctx = z.core.$RefinementCtx;

const text = z.string().trim().min(1);
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'expected a snake_case id (a-z, 0-9, _)' });
const version = z.literal(1).optional();

function uniqueIds(items: readonly { id: string }[], ctx: Ctx, path: PropertyKey[], what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `duplicate ${what} id "${item.id}" (first at index ${first})` });
    } else seen.set(item.id, i);
  });
}

/** Each of `ids` appears once among the items (duplicates are reported by uniqueIds). */
function allIdsPresent(items: readonly { id: string }[], ids: readonly string[], ctx: Ctx, path: PropertyKey[], what: string): void {
  const have = new Set(items.map((m) => m.id));
  const missing = ids.filter((x) => !have.has(x));
  if (missing.length > 0) ctx.addIssue({ code: 'custom', path, message: `missing ${what}: ${missing.join(', ')}` });
}

/** Every template uses each `required` placeholder and nothing outside `allowed`. */
function checkTemplates(templates: readonly string[], required: readonly string[], allowed: readonly string[], ctx: Ctx, path: PropertyKey[]): void {
  templates.forEach((t, i) => {
    const used = placeholders(t);
    const missing = required.filter((r) => !used.includes(r));
    if (missing.length > 0) ctx.addIssue({ code: 'custom', path: [...path, i], message: `expected placeholder ${missing.map((m) => `{${m}}`).join(', ')}` });
    const unknown = used.filter((u) => !allowed.includes(u));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', path: [...path, i], message: `unknown placeholder ${unknown.map((m) => `{${m}}`).join(', ')} (allowed: ${allowed.map((m) => `{${m}}`).join(', ') || 'none'})` });
    }
  });
}

// ---------- taxonomy.yaml ----------

const Translations = z.object({ fr: text, es: text, de: text, zh: text }).catchall(text);

const Seed = z.preprocess(
  (v) => (typeof v === 'string' ? { text: v } : v),
  z.strictObject(
    { text, translations: Translations.optional() },
    { error: (iss) => (iss.code === 'invalid_type' ? 'expected a string or an object {text, translations}' : undefined) },
  ),
);

const Topic = z.strictObject({ id, name: text, description: text, seeds: z.array(Seed).min(3) }).superRefine((t, ctx) => {
  if (!t.seeds.some((s) => s.translations)) {
    ctx.addIssue({ code: 'custom', path: ['seeds'], message: `expected at least one seed with translations (${TRANSLATION_LANGUAGES.join(', ')})` });
  }
});

const Group = z.strictObject({ id, name: text, description: text, topics: z.array(Topic).min(1) });

export const TaxonomySchema = z.strictObject({ version, groups: z.array(Group).min(1) }).superRefine((tx, ctx) => {
  uniqueIds(tx.groups, ctx, ['groups'], 'group');
  const seen = new Map<string, string>();
  tx.groups.forEach((g, gi) => g.topics.forEach((t, ti) => {
    const where = `groups[${gi}].topics[${ti}]`;
    const first = seen.get(t.id);
    if (first) ctx.addIssue({ code: 'custom', path: ['groups', gi, 'topics', ti, 'id'], message: `duplicate topic id "${t.id}" (first at ${first})` });
    else seen.set(t.id, where);
  }));
});

// ---------- jailbreaks.yaml ----------

interface TemplateRule { required: string[]; optional?: string[]; minTemplates?: number }
const RULES: Record<JailbreakId, TemplateRule> = {
  persuasion: { required: ['query'], minTemplates: 0 },
  chain_of_thought: { required: ['query'] },
  context_ignoring: { required: ['query'] },
  multi_task: { required: ['tasks'] },
  refusal_suppression: { required: ['query'] },
  payload_splitting: { required: ['assignments', 'expression'] },
  prefix_injection: { required: ['query'] },
  style_injection: { required: ['query', 'rules'] },
  role_playing: { required: ['query'], optional: ['persona'] },
  few_shot: { required: ['query'] },
  obscured_prompt: { required: ['transformed'] },
  scenario: { required: ['query'] },
  translation: { required: ['translated'], optional: ['language'] },
  typos: { required: ['transformed'] },
  separators: { required: ['transformed'], optional: ['separator'] },
  encoding: { required: ['encoded'], optional: ['encoding'] },
};

/** Extra fields each method needs, with the minimum number of entries. */
const EXTRAS: Record<string, { method: JailbreakId; min: number }> = {
  side_tasks: { method: 'multi_task', min: 2 },
  style_rules: { method: 'style_injection', min: 1 },
  personas: { method: 'role_playing', min: 1 },
  examples: { method: 'few_shot', min: 1 },
  fallback_templates: { method: 'translation', min: 1 },
  languages: { method: 'translation', min: 1 },
};

const Persona = z.strictObject({ id, name: text, system: text });
const FewShotExample = z.strictObject({ question: text, answer: text });

const JailbreakMethod = z.strictObject({
  id: z.enum(JAILBREAK_IDS),
  name: text,
  description: text,
  templates: z.array(text).default([]),
  side_tasks: z.array(text).optional(),
  style_rules: z.array(text).optional(),
  personas: z.array(Persona).optional(),
  examples: z.array(FewShotExample).optional(),
  fallback_templates: z.array(text).optional(),
  languages: z.record(id, text).optional(),
}).superRefine((m, ctx) => {
  const rule = RULES[m.id];
  const min = rule.minTemplates ?? 1;
  if (m.templates.length < min) ctx.addIssue({ code: 'custom', path: ['templates'], message: `expected at least ${min} template${min === 1 ? '' : 's'}, got ${m.templates.length}` });
  checkTemplates(m.templates, rule.required, [...rule.required, ...(rule.optional ?? [])], ctx, ['templates']);
  for (const [field, need] of Object.entries(EXTRAS)) {
    const value = (m as Record<string, unknown>)[field];
    const size = Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : undefined;
    if (need.method !== m.id) {
      if (value !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `not used by method "${m.id}" (only by "${need.method}")` });
    } else if (size === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `required for method "${m.id}"` });
    } else if (size < need.min) {
      ctx.addIssue({ code: 'custom', path: [field], message: `expected at least ${need.min} item${need.min === 1 ? '' : 's'}, got ${size}` });
    }
  }
  if (m.fallback_templates) checkTemplates(m.fallback_templates, ['query', 'language'], ['query', 'language'], ctx, ['fallback_templates']);
  if (m.personas) uniqueIds(m.personas, ctx, ['personas'], 'persona');
});

export const JailbreaksSchema = z.strictObject({ version, methods: z.array(JailbreakMethod) }).superRefine((j, ctx) => {
  uniqueIds(j.methods, ctx, ['methods'], 'method');
  allIdsPresent(j.methods, JAILBREAK_IDS, ctx, ['methods'], 'jailbreak methods');
});

// ---------- persuasion.yaml ----------

const PersuasionTechnique = z.strictObject({ id, name: text, definition: text, templates: z.array(text).min(1) }).superRefine((t, ctx) => {
  checkTemplates(t.templates, ['query'], ['query'], ctx, ['templates']);
});

export const PersuasionSchema = z.strictObject({ version, techniques: z.array(PersuasionTechnique).min(1) }).superRefine((p, ctx) => {
  uniqueIds(p.techniques, ctx, ['techniques'], 'technique');
});

// ---------- exaggerated.yaml ----------

const ExaggeratedTechnique = z.strictObject({ id, name: text, description: text, questions: z.array(text).min(1) });

export const ExaggeratedSchema = z.strictObject({ version, techniques: z.array(ExaggeratedTechnique).min(1) }).superRefine((e, ctx) => {
  uniqueIds(e.techniques, ctx, ['techniques'], 'technique');
});

// ---------- injection.yaml ----------

const InjectionTask = z.strictObject({ id, instruction: text, data: text, fake_answer: text });

const InjectedInstruction = z.strictObject({ id, text }).superRefine((inj, ctx) => {
  const n = countPlaceholder(inj.text, 'canary');
  if (n !== 1) ctx.addIssue({ code: 'custom', path: ['text'], message: `expected the placeholder {canary} exactly once, got ${n}` });
  checkTemplates([inj.text], [], ['canary'], ctx, ['text']);
});

const InjectionAttack = z.strictObject({ id: z.enum(INJECTION_ATTACK_IDS), name: text, description: text, templates: z.array(text).min(1) }).superRefine((a, ctx) => {
  checkTemplates(a.templates, ['data', 'injection'], ['data', 'injection', 'fake_answer'], ctx, ['templates']);
  a.templates.forEach((t, i) => {
    for (const p of ['data', 'injection']) {
      if (countPlaceholder(t, p) > 1) ctx.addIssue({ code: 'custom', path: ['templates', i], message: `expected {${p}} only once` });
    }
  });
});

export const InjectionSchema = z.strictObject({
  version,
  tasks: z.array(InjectionTask).min(1),
  injections: z.array(InjectedInstruction).min(1),
  attacks: z.array(InjectionAttack),
}).superRefine((inj, ctx) => {
  uniqueIds(inj.tasks, ctx, ['tasks'], 'task');
  uniqueIds(inj.injections, ctx, ['injections'], 'injection');
  uniqueIds(inj.attacks, ctx, ['attacks'], 'attack');
  allIdsPresent(inj.attacks, INJECTION_ATTACK_IDS, ctx, ['attacks'], 'injection attacks');
});

// ---------- types ----------

export type Taxonomy = z.output<typeof TaxonomySchema>;
export type TaxonomyGroup = Taxonomy['groups'][number];
export type TaxonomyTopic = TaxonomyGroup['topics'][number];
export type TaxonomySeed = TaxonomyTopic['seeds'][number];
export type Jailbreaks = z.output<typeof JailbreaksSchema>;
export type JailbreakSpec = Jailbreaks['methods'][number];
export type RolePersona = z.output<typeof Persona>;
export type FewShotPair = z.output<typeof FewShotExample>;
export type Persuasion = z.output<typeof PersuasionSchema>;
export type PersuasionTechnique = Persuasion['techniques'][number];
export type Exaggerated = z.output<typeof ExaggeratedSchema>;
export type ExaggeratedTechnique = Exaggerated['techniques'][number];
export type Injection = z.output<typeof InjectionSchema>;
export type InjectionTask = Injection['tasks'][number];
export type InjectedInstruction = Injection['injections'][number];
export type InjectionAttackSpec = Injection['attacks'][number];
