/**
 * The six spelling edits of the robustness perturbations. Each changes one word a little, so that
 * the word stays recognisable: one letter dropped, replaced by a keyboard neighbour, doubled,
 * capitalised, split by a space, or swapped with the next. The first and last letters stay in place
 * (except for a doubled or capitalised letter), as in the typos people make.
 */
import type { Rng } from '../util/rng.js';

export interface SpellingEdit {
  /** Whether the edit can change this word. */
  eligible(word: string): boolean;
  /** The edited word (only called on eligible words). */
  edit(word: string, rng: Rng): string;
}

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letters next to `c` on a QWERTY keyboard row, in the case of `c`; other letters of the alphabet when it is not on the keyboard. */
export function keyboardNeighbours(c: string): string[] {
  const lower = c.toLowerCase();
  const upper = c !== lower;
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(lower);
    if (i < 0) continue;
    const out = [row[i - 1], row[i + 1]].filter((x): x is string => x !== undefined);
    return upper ? out.map((x) => x.toUpperCase()) : out;
  }
  const alphabet = 'etaoinshrdlu'.split('').filter((x) => x !== lower);
  return upper ? alphabet.map((x) => x.toUpperCase()) : alphabet;
}

/** Indices from..to inclusive. */
function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

const chars = (w: string): string[] => Array.from(w);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Positions i (interior) where letters i and i+1 differ, both interior. */
function swappable(w: string[]): number[] {
  return range(1, w.length - 3).filter((i) => !same(w[i], w[i + 1]));
}

function lowerAfterFirst(w: string[]): number[] {
  return range(1, w.length - 1).filter((i) => w[i] !== w[i].toUpperCase() && w[i] === w[i].toLowerCase());
}

export const SPELLING_EDITS: Record<string, SpellingEdit> = {
  missing_letter: {
    eligible: (w) => chars(w).length >= 4,
    edit: (w, rng) => {
      const c = chars(w);
      c.splice(rng.pick(range(1, c.length - 2)), 1);
      return c.join('');
    },
  },
  wrong_letter: {
    eligible: (w) => chars(w).length >= 4,
    edit: (w, rng) => {
      const c = chars(w);
      const i = rng.pick(range(1, c.length - 2));
      c[i] = rng.pick(keyboardNeighbours(c[i]).filter((x) => !same(x, c[i])));
      return c.join('');
    },
  },
  repeated_letter: {
    eligible: (w) => chars(w).length >= 2,
    edit: (w, rng) => {
      const c = chars(w);
      const i = rng.pick(range(1, c.length - 1));
      c.splice(i, 0, c[i]);
      return c.join('');
    },
  },
  capitalized_letter: {
    eligible: (w) => lowerAfterFirst(chars(w)).length > 0,
    edit: (w, rng) => {
      const c = chars(w);
      const i = rng.pick(lowerAfterFirst(c));
      c[i] = c[i].toUpperCase();
      return c.join('');
    },
  },
  inserted_space: {
    eligible: (w) => chars(w).length >= 4,
    edit: (w, rng) => {
      const c = chars(w);
      const i = rng.pick(range(2, c.length - 2));
      return `${c.slice(0, i).join('')} ${c.slice(i).join('')}`;
    },
  },
  swapped_letters: {
    eligible: (w) => swappable(chars(w)).length > 0,
    edit: (w, rng) => {
      const c = chars(w);
      const i = rng.pick(swappable(c));
      [c[i], c[i + 1]] = [c[i + 1], c[i]];
      return c.join('');
    },
  },
};
