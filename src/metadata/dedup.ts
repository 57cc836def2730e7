/**
 * The filter step after building: drop malformed cases, then exact and near duplicates (keeping the
 * first occurrence); and the overlap of a new set with an earlier one for the freshness report.
 * Texts compared are each case's last user message, or the whole exchange for a conversation (an assistant
 * turn before the last question), normalised (lower case, punctuation removed, whitespace collapsed).
 * Cases tagged with a `pair` (a base case and its perturbed or pressured variants, compared by a pair
 * metric) are near duplicates by design: only exact duplicates of them are removed. Near duplicates: Jaccard similarity of word 3-shingles, found by MinHash + LSH
 * banding (fixed seed) and confirmed exactly.
 */
import { conversationText, lastUserText, messageText, type Case } from '../core/case.js';
import { NearIndex, normalizeText, shingleHashes } from './minhash.js';

export type RemovalReason =
  | 'no-messages'
  | 'empty-text'
  | 'too-long'
  | 'placeholder'
  | 'mc-answer-outside-choices'
  | 'tf-answer-invalid'
  | 'label-answer-outside-choices'
  | 'exact-duplicate'
  | 'near-duplicate';

export interface Removal {
  id: string;
  reason: RemovalReason;
  /** For duplicates: the id of the kept case it repeats. */
  duplicateOf?: string;
  /** For near duplicates: the Jaccard similarity to that case. */
  similarity?: number;
  /** A human-readable detail, e.g. the unfilled placeholder. */
  detail?: string;
}

export interface FilterOptions {
  /** Longest last-user text kept, in characters (default 16,000). */
  maxChars?: number;
  /** Near-duplicate Jaccard threshold (default 0.8); 1 turns near-duplicate removal off. */
  threshold?: number;
  /** Pattern of unfilled template fields; default `{name}` / `{{name}}`; false turns the check off. */
  placeholder?: RegExp | false;
  /** Below this many cases, every pair is compared exactly instead of through LSH (default 500). */
  exactBelow?: number;
  /** MinHash seed (default fixed). */
  seed?: number;
}

export interface FilterResult { kept: Case[]; removed: Removal[] }

/** `{query}`, `{{ topic }}`: a template field left unfilled (the syntax of fillTemplate). */
export const DEFAULT_PLACEHOLDER = /\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}?\}/;

export { lastUserText, messageText } from '../core/case.js';

/** The text duplicates are found by: the last user message, or the whole exchange of a conversation. */
export function comparedText(c: Case): string {
  if (!(c.messages ?? []).some((m) => m.role === 'assistant')) return lastUserText(c);
  return conversationText(c);
}

/** Why a case is malformed, or undefined when it is well-formed. */
export function malformed(c: Case, opts: FilterOptions = {}): Omit<Removal, 'id'> | undefined {
  if (!Array.isArray(c.messages) || c.messages.length === 0) return { reason: 'no-messages' };
  const text = lastUserText(c);
  if (text.trim() === '') return { reason: 'empty-text', detail: 'no user message with text' };
  const max = opts.maxChars ?? 16_000;
  if (text.length > max) return { reason: 'too-long', detail: `${text.length} characters (limit ${max})` };
  const pattern = opts.placeholder === undefined ? DEFAULT_PLACEHOLDER : opts.placeholder;
  if (pattern) {
    for (const m of c.messages) {
      const hit = pattern.exec(messageText(m));
      if (hit) return { reason: 'placeholder', detail: `unfilled ${hit[0]} in a ${m.role} message` };
    }
  }
  const e = c.expected;
  if (e?.format === 'mc') {
    const n = e.choices?.length ?? 0;
    const letter = e.answer.trim().toUpperCase();
    const index = letter.length === 1 ? letter.charCodeAt(0) - 65 : -1;
    if (n < 2 || index < 0 || index >= n) {
      const range = n > 0 ? `A-${String.fromCharCode(64 + Math.min(n, 26))}` : 'none';
      return { reason: 'mc-answer-outside-choices', detail: `answer "${e.answer}" with ${n} choice(s) (${range})` };
    }
  } else if (e?.format === 'tf') {
    const a = e.answer.trim().toLowerCase();
    if (a !== 'true' && a !== 'false') return { reason: 'tf-answer-invalid', detail: `answer "${e.answer}" is not true or false` };
  } else if (e?.format === 'label') {
    if (!e.choices?.includes(e.answer)) return { reason: 'label-answer-outside-choices', detail: `answer "${e.answer}" is not one of ${JSON.stringify(e.choices ?? [])}` };
  }
  return undefined;
}

/**
 * Remove malformed cases, exact duplicates and near duplicates, keeping the first occurrence of each
 * text and the input order. Linear in the number of cases (plus the candidate pairs LSH finds).
 */
export function filterCases(cases: Case[], opts: FilterOptions = {}): FilterResult {
  const threshold = opts.threshold ?? 0.8;
  const kept: Case[] = [];
  const removed: Removal[] = [];
  const exact = new Map<string, string>();
  // Cases judged differently are never duplicates of one another (the same prompt judged for refusal and for
  // toxicity asks two questions of one answer): one near-duplicate index per judge kind.
  const indexes = new Map<string, NearIndex<string>>();
  const indexFor = (kind: string) => {
    let index = indexes.get(kind);
    if (!index) { index = new NearIndex<string>(threshold, { seed: opts.seed, exhaustive: cases.length < (opts.exactBelow ?? 500) }); indexes.set(kind, index); }
    return index;
  };
  for (const c of cases) {
    const bad = malformed(c, opts);
    if (bad) {
      removed.push({ id: c.id, ...bad });
      continue;
    }
    const norm = normalizeText(comparedText(c));
    // A paired variant may differ from its base only in letter case (e.g. a capitalised-letter perturbation):
    // paired cases are exact duplicates only when their texts are identical.
    const kind = c.judge?.kind ?? '';
    const key = `${kind}|${c.tags?.pair === undefined ? norm : `pair:${comparedText(c)}`}`;
    const first = exact.get(key);
    if (first !== undefined) {
      removed.push({ id: c.id, reason: 'exact-duplicate', duplicateOf: first });
      continue;
    }
    if (threshold < 1 && c.tags?.pair === undefined) {
      const index = indexFor(kind);
      const shingles = shingleHashes(norm);
      const keys = index.exhaustive ? undefined : index.keys(shingles);
      const near = index.best(shingles, keys);
      if (near) {
        removed.push({ id: c.id, reason: 'near-duplicate', duplicateOf: near.value, similarity: round(near.similarity) });
        continue;
      }
      index.add(shingles, c.id, keys);
    }
    exact.set(key, c.id);
    kept.push(c);
  }
  return { kept, removed };
}

export interface OverlapExample {
  id: string;
  earlierId: string;
  kind: 'exact' | 'near';
  similarity: number;
  text: string;
}

export interface OverlapReport {
  /** Current cases whose text also appears in the earlier set. */
  exact: number;
  /** Current cases not exactly repeated but near-duplicating an earlier case. */
  near: number;
  total: number;
  exactShare: number;
  nearShare: number;
  /** Up to `maxExamples` repeated cases, exact ones first, in input order. */
  examples: OverlapExample[];
}

/**
 * How much of `current` was already in `earlier`: exact repeats of the normalised last user text and
 * near duplicates (Jaccard >= threshold, default 0.8). Shares are fractions of `current` (0 when empty).
 */
export function overlap(current: Case[], earlier: Case[], threshold = 0.8, opts: { maxExamples?: number; seed?: number; exactBelow?: number } = {}): OverlapReport {
  const maxExamples = opts.maxExamples ?? 5;
  const exactMap = new Map<string, string>();
  const small = current.length * earlier.length < (opts.exactBelow ?? 500) ** 2;
  const index = new NearIndex<string>(threshold, { seed: opts.seed, exhaustive: small });
  for (const c of earlier) {
    const norm = normalizeText(comparedText(c));
    if (norm === '' || exactMap.has(norm)) continue;
    exactMap.set(norm, c.id);
    if (threshold < 1) index.add(shingleHashes(norm), c.id);
  }
  let exact = 0;
  let near = 0;
  const exactEx: OverlapExample[] = [];
  const nearEx: OverlapExample[] = [];
  for (const c of current) {
    const text = comparedText(c);
    const norm = normalizeText(text);
    if (norm === '') continue;
    const same = exactMap.get(norm);
    if (same !== undefined) {
      exact++;
      if (exactEx.length < maxExamples) exactEx.push({ id: c.id, earlierId: same, kind: 'exact', similarity: 1, text: clip(text) });
      continue;
    }
    if (threshold >= 1) continue;
    const hit = index.best(shingleHashes(norm));
    if (hit) {
      near++;
      if (nearEx.length < maxExamples) nearEx.push({ id: c.id, earlierId: hit.value, kind: 'near', similarity: round(hit.similarity), text: clip(text) });
    }
  }
  const total = current.length;
  return {
    exact,
    near,
    total,
    exactShare: total ? exact / total : 0,
    nearShare: total ? near / total : 0,
    examples: [...exactEx, ...nearEx].slice(0, maxExamples),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
