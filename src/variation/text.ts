/**
 * Text analysis shared by the perturbations: which parts of a text carry the task and must never be
 * touched (quotes, code, URLs, numbers, {placeholders}, answer letters, option lines), which words may be
 * edited, and how to apply edits by position.
 */
import type { Rng } from '../util/rng.js';
import { variationData } from './data.js';

/** The parts of a text that no perturbation may change. Order matters: earlier patterns win. */
const PROTECTED = new RegExp([
  /```[\s\S]*?```/.source, // fenced code
  /`[^`\n]+`/.source, // inline code
  /"[^"\n]*"/.source, // "quoted"
  /“[^”\n]*”/.source,
  /«[^»\n]*»/.source,
  /(?<![\p{L}\p{N}])'(?:[^'\n]|'(?=\p{L}))+'(?![\p{L}\p{N}])/u.source, // 'quoted' (not an apostrophe)
  /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"'`]+/.source, // URLs
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.source, // e-mail addresses
  /\{\{[^{}\n]*\}\}|\{[^{}\n]*\}/.source, // {placeholders}
  /<\/?[A-Za-z][^<>\n]*>/.source, // <tags>
  /^[ \t]*(?:\(?[A-Ha-h]\)|\(?\d{1,2}\)|[A-H][.:])[ \t]+.*$/.source, // option lines: "A) ...", "(b) ...", "B. ...", "C: ..."
  /\([A-Za-z]\)/.source, // answer letters "(A)"
  /(?<![\p{L}\p{N}])[A-H]\)/u.source, // "A)" inside a line
  /\d+(?:[.,:/]\d+)*%?/.source, // numbers
].join('|'), 'gmu');

export interface Span { start: number; end: number }

/** The protected spans of a text, in order, not overlapping. */
export function protectedSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(PROTECTED)) {
    if (m[0].length > 0) out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The protected substrings of a text (what every perturbation must leave intact). */
export function protectedParts(text: string): string[] {
  return protectedSpans(text).map((s) => text.slice(s.start, s.end));
}

export interface Word {
  start: number;
  end: number;
  text: string;
  /** Inside a protected span (or touching one). */
  protected: boolean;
  /** Letters only (no digits, apostrophes or hyphens): a word an edit may change. */
  plain: boolean;
  /** The first word of a sentence or line. */
  sentenceStart: boolean;
}

const TOKEN = /[\p{L}\p{M}\p{N}_]+(?:['’-][\p{L}\p{M}\p{N}_]+)*/gu;
const PLAIN = /^\p{L}+$/u;

/** Every word-like token of the text with its position and what may be done with it. */
export function words(text: string): Word[] {
  const spans = protectedSpans(text);
  const out: Word[] = [];
  let s = 0;
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    while (s < spans.length && spans[s].end <= start) s++;
    const prot = s < spans.length && spans[s].start < end;
    let k = start - 1;
    while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '"' || text[k] === '(')) k--;
    out.push({ start, end, text: m[0], protected: prot, plain: PLAIN.test(m[0]), sentenceStart: k < 0 || /[\n.?!:]/.test(text[k]) });
  }
  return out;
}

/** Words a perturbation may edit: plain, unprotected and not a word that carries the task's format. */
export function editableWords(text: string): Word[] {
  const { taskWords } = variationData();
  return words(text).filter((w) => w.plain && !w.protected && !taskWords.has(w.text.toLowerCase()));
}

/** Keywords: editable content words of four letters or more that are not stopwords. */
export function keywords(text: string): Word[] {
  const { stopwords } = variationData();
  return editableWords(text).filter((w) => w.text.length >= 4 && !stopwords.has(w.text.toLowerCase()));
}

/** Whether a word (not at a sentence start) looks like a name: capitalised with lowercase after. */
export function looksLikeName(w: Word): boolean {
  return !w.sentenceStart && /^\p{Lu}/u.test(w.text);
}

export interface Edit { start: number; end: number; text: string }

/** Apply non-overlapping edits given by position in the original text. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Between 1 and `max` distinct items, chosen by the rng (empty in, empty out). */
export function pickSome<T>(rng: Rng, items: readonly T[], max = 3): T[] {
  if (items.length === 0) return [];
  const k = 1 + rng.int(Math.min(max, items.length));
  return rng.shuffle(items).slice(0, k);
}

/** The word written with the case pattern of `model`: all caps, capitalised, or as given. */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase()) return word.toUpperCase();
  if (/^\p{Lu}/u.test(model)) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/** Places between two words where something may be inserted: after `before`, a single space, then `after`. */
export function gapsBetweenWords(text: string): { at: number; before: Word; after: Word }[] {
  const ws = words(text);
  const out: { at: number; before: Word; after: Word }[] = [];
  for (let i = 0; i + 1 < ws.length; i++) {
    const a = ws[i];
    const b = ws[i + 1];
    if (a.protected || b.protected || !a.plain || !b.plain) continue;
    if (b.start !== a.end + 1 || text[a.end] !== ' ') continue;
    out.push({ at: a.end, before: a, after: b });
  }
  return out;
}
