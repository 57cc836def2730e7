/**
 * Text transforms used by the jailbreak methods. Each is a pure function of its inputs (and of the
 * rng's state, when it takes one), so a seed always gives the same text.
 */
import type { Rng } from '../util/rng.js';

// ---------- encodings ----------

export const ENCODINGS = ['base64', 'hex', 'url'] as const;
export type EncodingKind = (typeof ENCODINGS)[number];

/** How each encoding is named in prompts. */
export const ENCODING_NAMES: Record<EncodingKind, string> = {
  base64: 'Base64',
  hex: 'hexadecimal (UTF-8 bytes)',
  url: 'URL percent-encoding',
};

/**
 * base64: standard Base64 of the UTF-8 bytes. hex: the bytes as lowercase pairs separated by
 * spaces. url: every byte percent-encoded (%48%6F...), which decodeURIComponent reverses; plain
 * encodeURIComponent would leave the words readable.
 */
export function encodeText(kind: EncodingKind, text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  switch (kind) {
    case 'base64': return bytes.toString('base64');
    case 'hex': return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    case 'url': return Array.from(bytes, (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
}

export function decodeText(kind: EncodingKind, encoded: string): string {
  switch (kind) {
    case 'base64': return Buffer.from(encoded, 'base64').toString('utf8');
    case 'hex': return Buffer.from(encoded.replace(/\s+/g, ''), 'hex').toString('utf8');
    case 'url': return decodeURIComponent(encoded);
  }
}

// ---------- typos ----------

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letters next to `c` on a QWERTY keyboard row. */
function neighbours(c: string): string[] {
  const lower = c.toLowerCase();
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(lower);
    if (i < 0) continue;
    const out = [row[i - 1], row[i + 1]].filter((x): x is string => x !== undefined);
    return c === lower ? out : out.map((x) => x.toUpperCase());
  }
  return [];
}

const isLetter = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

/**
 * Adds character-level typos (swap with the next letter, drop, double, or hit a neighbouring key)
 * at about `rate` of the letters inside words of three or more letters, at least one. Text with no
 * ASCII letters is returned unchanged.
 */
export function addTypos(text: string, rng: Rng, rate = 0.08): string {
  const chars = Array.from(text);
  const inLongWord: number[] = [];
  const letters: number[] = [];
  let start = -1;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && isLetter(chars[i])) {
      letters.push(i);
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= 3) for (let k = start; k < i; k++) inLongWord.push(k);
      start = -1;
    }
  }
  const eligible = inLongWord.length > 0 ? inLongWord : letters;
  if (eligible.length === 0) return text;
  const count = Math.max(1, Math.round(eligible.length * rate));
  const positions = rng.shuffle(eligible).slice(0, count).sort((a, b) => b - a);
  for (const i of positions) {
    let op = rng.int(4);
    const c = chars[i];
    if (op === 0 && !(isLetter(chars[i + 1]) && chars[i + 1] !== c)) op = 3;
    if (op === 3 && neighbours(c).length === 0) op = 2;
    if (op === 0) [chars[i], chars[i + 1]] = [chars[i + 1], c];
    else if (op === 1) chars.splice(i, 1);
    else if (op === 2) chars.splice(i, 0, c);
    else chars[i] = rng.pick(neighbours(c));
  }
  return chars.join('');
}

// ---------- separators ----------

export const SEPARATOR_CHARS = ['-', '.', '*', '|', '_', '+', '~', '/', '#'] as const;
export type SeparatorMode = 'letters' | 'words';

/** A separator that does not already occur in the text (so the text can be recovered), if any. */
export function chooseSeparator(text: string, rng: Rng): string {
  const free = SEPARATOR_CHARS.filter((c) => !text.includes(c));
  return rng.pick(free.length > 0 ? free : SEPARATOR_CHARS);
}

/**
 * letters: the separator goes between the characters of every word ("h-o-w c-a-n");
 * words: it replaces the spaces between words ("how|can").
 */
export function separate(text: string, sep: string, mode: SeparatorMode): string {
  if (mode === 'words') return text.trim().split(/\s+/).join(sep);
  return text.split(/(\s+)/).map((tok) => (/^\s*$/.test(tok) ? tok : Array.from(tok).join(sep))).join('');
}

// ---------- payload splitting ----------

/**
 * Cuts the text into `parts` pieces (fewer if it is too short) whose concatenation is the text.
 * Cuts fall inside words where possible, so that no piece holds a whole keyword.
 */
export function splitPayload(text: string, parts: number, rng: Rng): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(Math.floor(parts), chars.length));
  const inside: number[] = [];
  for (let k = 1; k < chars.length; k++) if (/\S/.test(chars[k - 1]) && /\S/.test(chars[k])) inside.push(k);
  const all = Array.from({ length: Math.max(0, chars.length - 1) }, (_, k) => k + 1);
  const candidates = inside.length >= n - 1 ? inside : all;
  const cuts = rng.shuffle(candidates).slice(0, n - 1).sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts, chars.length]) {
    pieces.push(chars.slice(from, cut).join(''));
    from = cut;
  }
  return pieces;
}

// ---------- leetspeak ----------

/** Look-alike substitutions for obscured prompts (keys are lowercase letters). */
export const LEET: Readonly<Record<string, readonly string[]>> = {
  a: ['4', '@'], b: ['8'], e: ['3'], g: ['9'], i: ['1', '!'], l: ['1', '|'], o: ['0'], s: ['5', '$'], t: ['7'], z: ['2'],
};

/**
 * Replaces about `rate` of the substitutable letters with look-alike symbols, at least one when
 * there is any.
 */
export function leetspeak(text: string, rng: Rng, rate = 0.6): string {
  const chars = Array.from(text);
  const candidates: number[] = [];
  let changed = 0;
  chars.forEach((c, i) => {
    const subs = LEET[c.toLowerCase()];
    if (!subs) return;
    candidates.push(i);
    if (rng.next() < rate) {
      chars[i] = rng.pick(subs);
      changed++;
    }
  });
  if (changed === 0 && candidates.length > 0) {
    const i = rng.pick(candidates);
    chars[i] = rng.pick(LEET[chars[i].toLowerCase()]);
  }
  return chars.join('');
}
