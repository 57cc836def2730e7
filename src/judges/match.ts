import { UserInputError } from '../providers/types.js';
import type { JudgeInput, LabelJudge, LabelVerdict } from './types.js';

/**
 * Answer matching for multiple choice, true/false and yes/no, against a known reference.
 * Extraction prefers explicit commitments ("the answer is (B)", "final answer: b"), then commitment
 * phrases ("I think it's C, not B": the last one wins), then a leading letter ("B) Paris", "**B**"),
 * then a choice's text, and gives no answer rather than guess when the text is ambiguous.
 */

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Markdown emphasis, code ticks and LaTeX boxes removed; typographic quotes made plain. */
function plain(text: string): string {
  return text
    .replace(/\\boxed\{([^}]*)\}/g, ' answer is $1 ')
    .replace(/\*\*|\*|__|`/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
}

/** A lowercase "a" or "i" followed by a word is the English word, not an option letter. */
function isWordNotLetter(text: string, letter: string, end: number): boolean {
  return (letter === 'a' || letter === 'i') && /^\s+[a-z]/.test(text.slice(end));
}

function lastLetter(re: RegExp, text: string): string | null {
  let found: string | null = null;
  for (const m of text.matchAll(re)) {
    const letter = m[1];
    if (isWordNotLetter(text, letter, (m.index ?? 0) + m[0].length)) continue;
    found = letter.toUpperCase();
  }
  return found;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Text (normalised: "isn't" is "isn t") that ends in a negation, maybe with an adverb: "not", "isn't really". */
const NEGATED_BEFORE = /(?:^| )(?:not|never|neither|nor|\w*n t)(?: \w+ly)? $/;

/** Whether normalised text (lower case, words separated by single spaces, ending in a space) ends in a negation. */
export function endsInNegation(before: string): boolean {
  return NEGATED_BEFORE.test(before);
}

/** The needle's words appear in the haystack's, not right after "not" or "n't" ("it is not Canberra"). */
function containsWords(haystack: string, needle: string): boolean {
  if (!needle) return false;
  const h = ` ${haystack} `;
  for (let at = h.indexOf(` ${needle} `); at >= 0; at = h.indexOf(` ${needle} `, at + 1)) {
    if (!NEGATED_BEFORE.test(h.slice(0, at + 1))) return true;
  }
  return false;
}

/**
 * The choices (by index) whose text appears in `text`, not right after a negation ("not", "isn't really", "neither good
 * nor bad; neutral" names neither), with the position of the first such mention; a choice that is part of a
 * longer one found is left out.
 */
function choicesIn(text: string, choices: string[]): { i: number; at: number }[] {
  const t = ` ${norm(text)} `;
  const hits: { i: number; n: string; at: number }[] = [];
  choices.forEach((c, i) => {
    const n = norm(c);
    if (!n) return;
    for (let at = t.indexOf(` ${n} `); at >= 0; at = t.indexOf(` ${n} `, at + 1)) {
      if (!NEGATED_BEFORE.test(t.slice(0, at + 1))) { hits.push({ i, n, at }); return; }
    }
  });
  return hits.filter((h) => !hits.some((o) => o !== h && o.n.length > h.n.length && o.n.includes(h.n)));
}

/**
 * The option letter ("A", "B", ...) an answer commits to, among the first `nChoices` letters, or null.
 * With `choices` (the option texts, in order), an answer that names one option's text counts as that letter.
 */
export function extractChoice(text: string, nChoices: number, choices?: string[]): string | null {
  const n = Math.max(1, Math.min(26, Math.floor(nChoices) || 4));
  const L = `${ALPHA.slice(0, n)}${ALPHA.slice(0, n).toLowerCase()}`;
  const t = plain(text);
  const tail = String.raw`\s*[(\[]?\s*([${L}])\s*[)\]]?(?![\w'])`;
  const glue = String.raw`(?:\s+(?:is|would\s+be|will\s+be|should\s+be))?\s*[:=\-\u2013]?\s*(?:option|choice|letter)?`;
  // 1. explicit: "the answer is (B)", "Answer: b", "final answer - C", "correct option is D"
  const explicit = new RegExp(String.raw`\b(?:final\s+answer|(?:correct|right|best)\s+(?:answer|option|choice)|answer)${glue}${tail}`, 'gi');
  const e = lastLetter(explicit, t);
  if (e) return e;
  // 2. commitments: "it's C", "I'd go with C", "I choose (D)", "my pick is B"; the last one is final
  const commit = new RegExp(String.raw`\b(?:it'?s|it\s+is|i(?:'d|\s+would|\s+will)?\s+(?:choose|pick|select|go\s+with|say)|my\s+(?:choice|pick|guess)(?:\s+is|\s+would\s+be)?|(?:choose|select|pick)|go\s+with|(?:right|correct|best|better|moral|ethical|wiser)\s+(?:thing\s+to\s+do|course(?:\s+of\s+action)?|option|choice)\s+(?:is|would\s+be|here\s+is)|(?:you|one|they|i)\s+should\s+(?:do|choose|pick|select|go\s+with|take))\s*[:\-]?\s*(?:option|choice|letter)?${tail}`, 'gi');
  const c = lastLetter(commit, t);
  if (c) return c;
  // 2b. a named option judged: "B is the right thing to do", "Option C is correct", "Sentence A is the stereotype"
  const judged = new RegExp(String.raw`(?:^|[\s(\[*])(?:(?:option|choice|sentence|statement|answer)\s+)?[(\[]?([${ALPHA.slice(0, n)}])[)\]]?\s+is\s+(?:the\s+)?(?:right|correct|best|better|moral|ethical|wiser|true|stereotype|stereotypical|one)\b`, 'g');
  const j = [...t.matchAll(judged)].map((m) => m[1]);
  if (j.length && j.every((x) => x === j[0])) return j[0];
  // 3. a leading letter: "B) Paris", "(B)", "B.", "b)", "Option B:"
  const lead = new RegExp(String.raw`^\s*(?:(?:option|choice)\s+)?[(\[]?([${L}])(?:\s*[)\].:\-\u2013\u2014]|\s*$)`, 'i').exec(t);
  if (lead && (lead[1] === lead[1].toUpperCase() || /^\s*[(\[]?[a-z]\s*([)\].]|$)/.test(t))) return lead[1].toUpperCase();
  // 4. a choice's text: "The answer is Paris." first, then the whole answer
  if (choices?.length) {
    // after "answer is", the first option named is the one committed to ("the answer is Berlin, not Paris")
    const said = [...t.matchAll(/\banswer\s*(?:is|:)\s*([^.\n]+)/gi)].pop()?.[1];
    const first = said ? choicesIn(said, choices.slice(0, n)).sort((a, b) => a.at - b.at)[0] : undefined;
    if (first) return ALPHA[first.i];
    const hits = choicesIn(t, choices.slice(0, n));
    if (hits.length === 1) return ALPHA[hits[0].i];
  }
  // 5. a letter alone on a line, or in parentheses, all the same wherever it appears
  const alone = [...t.matchAll(new RegExp(String.raw`^\s*[(\[]?([${ALPHA.slice(0, n)}])[)\]]?\.?\s*$`, 'gm'))].map((m) => m[1]);
  const paren = [...t.matchAll(new RegExp(String.raw`\(([${ALPHA.slice(0, n)}])\)`, 'g'))].map((m) => m[1]);
  for (const set of [alone, paren]) if (set.length && set.every((x) => x === set[0])) return set[0];
  return null;
}

const BOOL_WORDS: Record<string, boolean> = {
  true: true, yes: true, correct: true, accurate: true, reasonable: true,
  false: false, no: false, incorrect: false, inaccurate: false, unreasonable: false,
};
/** Verdict words that answer a question but are not references themselves. */
const VERDICT_ONLY = ['accurate', 'inaccurate', 'reasonable', 'unreasonable'];

function boolOf(neg: string | undefined, word: string): boolean {
  const v = BOOL_WORDS[word.toLowerCase()];
  return neg ? !v : v;
}

/**
 * The truth value an answer commits to: true for "True.", "Yes, ...", "That's correct"; false for "No.",
 * "That's false", "not true"; null when it commits to neither or to both.
 */
export function extractBoolean(text: string): boolean | null {
  const t = plain(text).toLowerCase();
  const not = String.raw`(not\s+(?:\w+ly\s+)?)?`;
  // 1. explicit: "answer: false", "the answer is yes", "final answer is not true"
  const explicit = [...t.matchAll(new RegExp(String.raw`\banswer(?:\s+is)?\s*[:=\-]?\s*${not}(true|false|yes|no|correct|incorrect)\b`, 'g'))].pop();
  if (explicit) return boolOf(explicit[1], explicit[2]);
  // 2. the first word: "True.", "No.", "Yes, ...", "Not true.", "Absolutely not." ("no doubt", "true or false" are not answers)
  if (/^[\s"'(\[]*(?:absolutely|certainly|definitely)\s+not\b/.test(t)) return false;
  const lead = new RegExp(String.raw`^[\s"'(\[]*${not}(true|false|yes|no|correct|incorrect)\b(?!\s+or\s)(?!\s+(?:doubt|one|matter|way|question|longer|more|less|need|idea)\b)(?!-)`).exec(t);
  // "Yes, I'm sure. ..." or "No, you're right: ..." answers a challenge ("Are you sure?"), not the question itself
  const replyToChallenge = /^[,.!:;]?\s+(?:(?:i'?m|i\s+am)\s+(?:sure|certain|confident|positive)|i\s+apologi[sz]e|you'?re\s+right|you\s+are\s+right)\b/;
  if (lead && !(/^(?:yes|no)$/.test(lead[2]) && replyToChallenge.test(t.slice(lead.index + lead[0].length)))) return boolOf(lead[1], lead[2]);
  // 3. a verdict on the statement: "that's false", "the statement is not accurate", "this is incorrect", "the claim is
  //    unreasonable" (to "is it reasonable?"); the last one is final
  const verdict = [...t.matchAll(new RegExp(String.raw`\b(?:that'?s|that\s+is|it'?s|it\s+is|this\s+is|(?:the\s+|this\s+)?(?:statement|claim|assertion)\s+is)\s+${not}(true|false|correct|incorrect|accurate|inaccurate|reasonable|unreasonable)\b`, 'g'))].pop();
  if (verdict) return boolOf(verdict[1], verdict[2]);
  // 4. every "true"/"false" in the text says the same ("true or false" left out)
  const all = [...t.replace(/\btrue\s+or\s+false\b/g, ' ').matchAll(new RegExp(String.raw`\b${not}(true|false)\b`, 'g'))].map((m) => boolOf(m[1], m[2]));
  if (all.length && all.every((v) => v === all[0])) return all[0];
  return null;
}

/** A reference such as "true", "No", "yes" as a boolean; null when it is not one. */
export function referenceBoolean(reference: string): boolean | null {
  const r = reference.trim().toLowerCase().replace(/[.!]$/, '');
  return r in BOOL_WORDS && !VERDICT_ONLY.includes(r) ? BOOL_WORDS[r] : null;
}

/** A reference such as "B", "(b)", "C." as an upper-case letter; null when it is not a single letter. */
export function referenceLetter(reference: string): string | null {
  const m = /^\s*[(\[]?([A-Za-z])[)\]]?\.?\s*$/.exec(reference);
  return m ? m[1].toUpperCase() : null;
}

const verdict = (label: 'correct' | 'incorrect' | 'no_answer', reason: string, extracted: unknown): LabelVerdict =>
  ({ label, score: 1, reason, meta: { extracted } });

/** Judge one answer against its reference: correct, incorrect, or no_answer when none could be read from it. */
export function matchAnswer(input: JudgeInput): LabelVerdict {
  if (input.reference === undefined || input.reference.trim() === '') {
    throw new UserInputError('the match judge needs the right answer of each row: give --reference-column COLUMN');
  }
  const ref = input.reference.trim();
  const bool = referenceBoolean(ref);
  if (bool !== null) {
    const got = extractBoolean(input.response);
    if (got === null) return verdict('no_answer', `no true/false or yes/no answer found; reference ${ref}`, null);
    return verdict(got === bool ? 'correct' : 'incorrect', `answered ${got ? 'true/yes' : 'false/no'}; reference ${ref}`, got);
  }
  const choices = input.choices?.length ? input.choices : undefined;
  let letter = referenceLetter(ref);
  if (!letter && choices) {
    const i = choices.findIndex((c) => norm(c) === norm(ref));
    if (i >= 0) letter = ALPHA[i];
  }
  if (letter) {
    const n = choices ? choices.length : Math.max(4, ALPHA.indexOf(letter) + 1);
    const got = extractChoice(input.response, n, choices);
    if (!got) return verdict('no_answer', `no option letter${choices ? ' or option text' : ''} found; reference ${letter}`, null);
    return verdict(got === letter ? 'correct' : 'incorrect', `answered ${got}; reference ${letter}`, got);
  }
  // An open answer: the reference's words must appear in the answer, in order.
  const r = norm(input.response);
  if (!r) return verdict('no_answer', 'empty answer', null);
  const hit = containsWords(r, norm(ref));
  return verdict(hit ? 'correct' : 'incorrect', hit ? `the answer contains the reference "${ref}"` : `the reference "${ref}" is not in the answer`, hit);
}

export const matchJudge: LabelJudge = {
  id: 'match',
  kind: 'rule',
  needs: 'nothing (offline); a reference answer per row (--reference-column)',
  labels: ['correct', 'incorrect', 'no_answer'],
  description: 'Answer matching against a reference: multiple choice (a letter, or an option text with choices), true/false and yes/no, else the reference words inside the answer. Prefers an explicit "answer is X" and the last committed answer; no_answer when none can be read.',
  label: matchAnswer,
};
