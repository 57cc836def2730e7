import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataPath } from '../util/paths.js';

/** A YAML file of named lists of regular expressions (data/judges/*-rules.yaml), compiled once. */
export type CueRules<K extends string> = Record<K, RegExp[]>;

const cache = new Map<string, unknown>();

export function loadCueRules<K extends string>(file: string, keys: readonly K[]): CueRules<K> {
  const hit = cache.get(file);
  if (hit) return hit as CueRules<K>;
  const path = dataPath('judges', file);
  const schema = z.object(Object.fromEntries(keys.map((k) => [k, z.array(z.string()).min(1)])) as Record<K, z.ZodArray<z.ZodString>>);
  const parsed = schema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`Invalid judge rules in ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rules = {} as CueRules<K>;
  for (const k of keys) {
    rules[k] = (parsed.data as Record<K, string[]>)[k].map((src, i) => {
      try { return new RegExp(src, 'im'); } catch (e) { throw new Error(`Invalid judge rules in ${path}: ${k}[${i}]: ${(e as Error).message}`); }
    });
  }
  cache.set(file, rules);
  return rules;
}

/** Curly quotes straightened, markdown emphasis dropped: the text cue patterns run on. */
export function cueText(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\*\*|__|`/g, '');
}

/** The first pattern of a list that matches, or undefined. */
export function firstCue(patterns: RegExp[], text: string): RegExp | undefined {
  return patterns.find((p) => p.test(text));
}
