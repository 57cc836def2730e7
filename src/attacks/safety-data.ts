/**
 * Loads and validates the safety dimension's data (data/safety/*.yaml). Errors name the file, the
 * field path and what was expected, e.g.
 *   data/safety/taxonomy.yaml: groups[1].topics[3].seeds: expected at least 3 items, got 2
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserInputError } from '../providers/types.js';
import { PACKAGE_ROOT, dataPath } from '../util/paths.js';
import {
  ExaggeratedSchema, InjectionSchema, JailbreaksSchema, PersuasionSchema, TaxonomySchema,
  type Exaggerated, type Injection, type Jailbreaks, type Persuasion, type Taxonomy,
} from './safety-schema.js';

export * from './safety-schema.js';

export interface SafetyData {
  /** The folder the files were read from (absolute). */
  dir: string;
  taxonomy: Taxonomy;
  jailbreaks: Jailbreaks;
  persuasion: Persuasion;
  exaggerated: Exaggerated;
  injection: Injection;
}

export const SAFETY_FILES = {
  taxonomy: 'taxonomy.yaml',
  jailbreaks: 'jailbreaks.yaml',
  persuasion: 'persuasion.yaml',
  exaggerated: 'exaggerated.yaml',
  injection: 'injection.yaml',
} as const;

/** A data file is missing, is not valid YAML, or does not match its schema. */
export class SafetyDataError extends UserInputError {
  readonly file: string;
  /** One line per problem: "<path>: <what was expected>". */
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    const shown = problems.slice(0, 20).map((p) => `${file}: ${p}`);
    if (problems.length > 20) shown.push(`${file}: ... and ${problems.length - 20} more problems`);
    super(shown.join('\n'));
    this.name = 'SafetyDataError';
    this.file = file;
    this.problems = problems;
  }
}

/** `groups[1].topics[3].seeds`; the top level is `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

const ARTICLE: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' };

type Issue = z.core.$ZodIssue;

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${Number(n) === 1 ? '' : 's'}`;
}

/** A short, human sentence for one zod issue. */
function explain(issue: Issue, input: unknown): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const custom = issue.message.startsWith('Invalid input') ? undefined : issue.message;
      return `${custom ?? `expected ${ARTICLE[issue.expected] ?? issue.expected}`}, got ${describe(value)}`;
    }
    case 'too_small': {
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `expected at least ${plural(issue.minimum, 'item')}${Array.isArray(value) ? `, got ${value.length}` : ''}`;
      }
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'expected a non-empty string' : `expected at least ${plural(issue.minimum, 'character')}`;
      return `expected at least ${issue.minimum}, got ${describe(value)}`;
    }
    case 'too_big': {
      if (issue.origin === 'array' || issue.origin === 'set') return `expected at most ${plural(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `expected at most ${plural(issue.maximum, 'character')}`;
      return `expected at most ${issue.maximum}, got ${describe(value)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(value)}`;
    case 'unrecognized_keys':
      return `unexpected field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

/** How a file is named in messages: relative to the package root when inside it, else absolute. */
function displayName(file: string): string {
  const rel = relative(PACKAGE_ROOT, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}

/** Reads one YAML file and validates it against a schema. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const name = displayName(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SafetyDataError(name, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SafetyDataError(name, doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return pos ? `line ${pos.line}, column ${pos.col}: YAML syntax error: ${first}` : `YAML syntax error: ${first}`;
    }));
  }
  const input: unknown = doc.toJS();
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new SafetyDataError(name, result.error.issues.map((iss) => `${formatPath(iss.path)}: ${explain(iss, input)}`));
  }
  return result.data;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const cache = new Map<string, SafetyData>();

/**
 * Loads the five safety files from `dir` (default: the package's data/safety/). The result is
 * validated, frozen and cached per folder; call clearSafetyDataCache() to reread.
 */
export function loadSafetyData(dir: string = dataPath('safety')): SafetyData {
  const abs = resolve(dir);
  const hit = cache.get(abs);
  if (hit) return hit;
  const data: SafetyData = deepFreeze({
    dir: abs,
    taxonomy: loadYamlFile(join(abs, SAFETY_FILES.taxonomy), TaxonomySchema),
    jailbreaks: loadYamlFile(join(abs, SAFETY_FILES.jailbreaks), JailbreaksSchema),
    persuasion: loadYamlFile(join(abs, SAFETY_FILES.persuasion), PersuasionSchema),
    exaggerated: loadYamlFile(join(abs, SAFETY_FILES.exaggerated), ExaggeratedSchema),
    injection: loadYamlFile(join(abs, SAFETY_FILES.injection), InjectionSchema),
  });
  cache.set(abs, data);
  return data;
}

export function clearSafetyDataCache(): void {
  cache.clear();
}
