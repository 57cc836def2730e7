/**
 * Loads and validates the variation data (data/variation/*.yaml) once per process. An invalid file
 * throws an error naming the file, the field and what was expected.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/issues.js';
import { dataPath } from '../util/paths.js';

const words = z.array(z.string().min(1)).min(1);

const StopwordsSchema = z.object({ stopwords: words, taskWords: words }).strict();
const NoiseSchema = z.object({
  emojis: z.array(z.string().regex(/^\p{Extended_Pictographic}$/u, 'one emoji code point')).min(4),
  handles: z.array(z.string().regex(/^[A-Za-z_]+$/, 'letters and underscores')).min(4),
  topics: z.array(z.string().regex(/^[A-Za-z_]+$/, 'letters and underscores')).min(4),
}).strict();
const SyntaxSchema = z.object({ fillers: words, noFillerAfter: words, subordinators: words, noMoveAfter: words, starters: words }).strict();
const DistractorsSchema = z.object({
  sentences: z.array(z.string().min(10).refine((s) => !/\d/.test(s) && !/\?/.test(s), 'no digits and no question marks')).min(10),
}).strict();
const PersonasSchema = z.object({
  personas: z.array(z.object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/), text: z.string().min(10) }).strict()).min(12),
}).strict();
const MultilingualSchema = z.object({
  languages: z.record(z.string().regex(/^[a-z]{2,3}$/), z.string().min(2)),
  courtesy: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  words: z.record(z.string().regex(/^[a-z]+$/), z.record(z.string(), z.string().min(1))),
}).strict();
const RareSchema = z.object({ words: z.record(z.string().regex(/^[a-z]+$/), z.array(z.string().min(2)).min(1)) }).strict();
const promptSchema = z.object({ system: z.string(), user: z.string() }).strict();
const PromptsSchema = z.object({
  rewrite: promptSchema,
  instructions: z.object({ paraphrase: z.string(), lengthen: z.string(), shorten: z.string(), translation: z.string() }).strict(),
  distractors: promptSchema,
  distractor_kinds: z.object({ answers: z.string(), false_statements: z.string(), true_statements: z.string() }).strict(),
}).strict();

export type Prompts = z.infer<typeof PromptsSchema>;
export interface Persona { id: string; text: string }

export interface VariationData {
  stopwords: Set<string>;
  taskWords: Set<string>;
  emojis: string[];
  handles: string[];
  topics: string[];
  fillers: string[];
  noFillerAfter: Set<string>;
  subordinators: string[];
  noMoveAfter: Set<string>;
  starters: Set<string>;
  distractors: string[];
  personas: Persona[];
  /** Language code → name, e.g. fr → French. */
  languages: Record<string, string>;
  courtesy: Record<string, string[]>;
  /** English word → [language, translation] pairs that differ from the word. */
  translations: Map<string, [string, string][]>;
  /** Common word → rare synonyms. */
  rareSynonyms: Map<string, string[]>;
  prompts: Prompts;
}

function load<T>(file: string, schema: z.ZodType<T>): T {
  const path = dataPath('variation', file);
  const parsed = schema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(formatIssues(`data/variation/${file}`, parsed.error.issues));
  return parsed.data;
}

let cached: VariationData | undefined;

/** The variation data, read and validated on first use. */
export function variationData(): VariationData {
  if (cached) return cached;
  const stop = load('stopwords.yaml', StopwordsSchema);
  const noise = load('noise.yaml', NoiseSchema);
  const syntax = load('syntax.yaml', SyntaxSchema);
  const multi = load('multilingual.yaml', MultilingualSchema);
  const rare = load('rare-synonyms.yaml', RareSchema);
  const personas = load('personas.yaml', PersonasSchema).personas;
  const ids = new Set<string>();
  for (const p of personas) {
    if (ids.has(p.id)) throw new Error(`data/variation/personas.yaml: persona id "${p.id}" is used twice`);
    ids.add(p.id);
  }
  const translations = new Map<string, [string, string][]>();
  for (const [word, byLang] of Object.entries(multi.words)) {
    const pairs = Object.entries(byLang).filter(([, t]) => t.toLowerCase() !== word);
    if (pairs.length > 0) translations.set(word, pairs);
  }
  cached = {
    stopwords: new Set(stop.stopwords.map((w) => w.toLowerCase())),
    taskWords: new Set(stop.taskWords.map((w) => w.toLowerCase())),
    emojis: noise.emojis,
    handles: noise.handles,
    topics: noise.topics,
    fillers: syntax.fillers,
    noFillerAfter: new Set(syntax.noFillerAfter.map((w) => w.toLowerCase())),
    subordinators: syntax.subordinators.map((s) => s.toLowerCase()),
    noMoveAfter: new Set(syntax.noMoveAfter.map((w) => w.toLowerCase())),
    starters: new Set(syntax.starters.map((s) => s.toLowerCase())),
    distractors: load('distractors.yaml', DistractorsSchema).sentences,
    personas,
    languages: multi.languages,
    courtesy: multi.courtesy,
    translations,
    rareSynonyms: new Map(Object.entries(rare.words)),
    prompts: load('prompts.yaml', PromptsSchema),
  };
  return cached;
}
