/**
 * Helpers every dimension module shares: case construction with a content id, spreading a draw over
 * groups, splitting a size over sub-dimensions, reading the generic options, and loading a data file
 * (YAML validated by zod, with errors that name the file and the field).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { caseIdentity, type Case } from '../core/case.js';
import type { DimensionOptions } from '../config/schema.js';
import { formatIssues } from '../config/issues.js';
import type { ChatMessage } from '../providers/types.js';
import { UserInputError } from '../providers/types.js';
import { contentId } from '../util/hash.js';
import { PACKAGE_ROOT, dataPath } from '../util/paths.js';
import type { Rng } from '../util/rng.js';
import type { SubdimensionSpec } from './types.js';

export type CaseDraft = Omit<Case, 'id' | 'dimension' | 'modality'>;

/** A text case of a dimension, its id a hash of its content. */
export function makeCase(dimension: string, draft: CaseDraft): Case {
  const c = { dimension, modality: 'llm' as const, ...draft };
  return { id: contentId(caseIdentity(c)), ...c };
}

export function userMessage(text: string): ChatMessage[] {
  return [{ role: 'user', content: text }];
}

/**
 * Round-robin over groups of items so every group is represented, each group shuffled by the rng.
 * Never repeats an item: asking for more than the pool holds returns the whole pool.
 */
export function spread<T>(items: T[], key: (t: T) => string, n: number, rng: Rng): T[] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const list = groups.get(key(it)) ?? [];
    list.push(it);
    groups.set(key(it), list);
  }
  const lists = rng.shuffle([...groups.values()].map((l) => rng.shuffle(l)));
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let round = 0; round < longest && out.length < n; round++) {
    for (const l of lists) {
      if (round < l.length) out.push(l[round]);
      if (out.length >= n) break;
    }
  }
  return out;
}

/** Split `size` cases over the chosen sub-dimensions by their shares (each gets at least one). */
export function allocate<S extends string>(size: number, subs: readonly S[], share: Record<S, number>): Record<S, number> {
  const total = subs.reduce((a, s) => a + share[s], 0);
  const out = {} as Record<S, number>;
  for (const s of subs) out[s] = Math.max(1, Math.round((size * share[s]) / total));
  return out;
}

/**
 * The sub-dimensions to build: all, or those the config names under `<dimension>.subdimensions`
 * (an unknown id is a user error naming the field and the known ids).
 */
export function chosenSubdimensions(dimension: string, specs: readonly SubdimensionSpec[], options: DimensionOptions): string[] {
  const known = specs.map((s) => s.id);
  if (!options.subdimensions) return known;
  for (const s of options.subdimensions) {
    if (!known.includes(s)) throw new UserInputError(`${dimension}.subdimensions: unknown sub-dimension "${s}". Known: ${known.join(', ')} (see \`trustgen list dimensions\`).`);
  }
  return options.subdimensions;
}

/** Validate parsed data with `schema`; a problem is a UserInputError whose lines name `shown` and the field path. */
export function checkParsed<T>(shown: string, raw: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserInputError(formatIssues(shown, parsed.error.issues));
  return parsed.data;
}

/** Parse YAML text and validate it (e.g. a user's edited copy of a data file); errors name `shown`. */
export function parseDataText<T>(shown: string, yamlText: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (e) {
    throw new UserInputError(`${shown}: ${(e as Error).message}`);
  }
  return checkParsed(shown, raw, schema);
}

const loaded = new Map<string, unknown>();

/**
 * Load data/<dimension>/<file> (YAML) and validate it with `schema`; cached per file. A bad file is a
 * UserInputError whose lines name the file and the field path.
 */
export function loadDimensionData<T>(dimension: string, file: string, schema: z.ZodType<T>): T {
  const path = dataPath(dimension, file);
  const hit = loaded.get(path);
  if (hit) return hit as T;
  const data = parseDataText(relative(PACKAGE_ROOT, path), readFileSync(path, 'utf8'), schema);
  loaded.set(path, data);
  return data;
}
