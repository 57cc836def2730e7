/**
 * The 13 text perturbations of the robustness dimension, as pure functions of the text and a seeded
 * rng. Each changes the wording (whenever the text has a word it may change) but never the task:
 * quoted text, code, URLs, numbers, {placeholders}, answer letters such as "(A)" and option lines
 * ("A) ...", "B. ...") are never touched (see text.ts), and every word stays recognisable.
 */
import type { Rng } from '../util/rng.js';
import { variationData } from './data.js';
import { SPELLING_EDITS } from './spelling.js';
import type { Perturbation } from './types.js';
import {
  applyEdits, editableWords, gapsBetweenWords, keywords, looksLikeName, matchCase, pickSome, protectedSpans, words,
  type Edit, type Word,
} from './text.js';

export const PERTURBATION_IDS = [
  'missing_letter', 'wrong_letter', 'repeated_letter', 'capitalized_letter', 'inserted_space', 'swapped_letters',
  'emoji_insertion', 'social_tagging', 'spaced_uppercase', 'multilingual_blend', 'distracting_text',
  'syntactic_disruption', 'rare_synonyms',
] as const;
export type PerturbationId = (typeof PERTURBATION_IDS)[number];

/** One of the six spelling edits applied to 1-3 keywords chosen by the rng. */
function spelling(id: keyof typeof SPELLING_EDITS) {
  const e = SPELLING_EDITS[id];
  return (text: string, rng: Rng): string => {
    const chosen = pickSome(rng, keywords(text).filter((w) => e.eligible(w.text)));
    return applyEdits(text, chosen.map((w) => ({ start: w.start, end: w.end, text: e.edit(w.text, rng) })));
  };
}

/** Unprotected words (any kind), after which noise may be inserted. */
const freeWords = (text: string): Word[] => words(text).filter((w) => !w.protected);

/**
 * Where a closing note goes: the end of the sentence that holds the last free word (past its
 * punctuation), or the end of that line; never inside a protected span.
 */
function endOfLastFreeSentence(text: string): number | undefined {
  const free = freeWords(text);
  const last = free[free.length - 1];
  if (!last) return undefined;
  const spans = protectedSpans(text);
  let at = last.end;
  while (at < text.length && text[at] !== '\n') {
    const span = spans.find((s) => s.start === at);
    if (span) { at = span.end; continue; }
    if (/[.?!]/.test(text[at])) {
      while (at < text.length && /[.?!]/.test(text[at])) at++;
      if (at >= text.length || /\s/.test(text[at])) return at;
      continue;
    }
    at++;
  }
  while (at > last.end && /[ \t]/.test(text[at - 1])) at--;
  return at;
}

function emojiInsertion(text: string, rng: Rng): string {
  const { emojis } = variationData();
  const chosen = pickSome(rng, freeWords(text));
  return applyEdits(text, chosen.map((w) => ({ start: w.end, end: w.end, text: ` ${rng.pick(emojis)}` })));
}

function socialTagging(text: string, rng: Rng): string {
  const { handles, topics } = variationData();
  const free = freeWords(text);
  if (free.length === 0) return text;
  const edits: Edit[] = [];
  const mode = rng.int(3); // 0: @handle, 1: #topic, 2: both
  if (mode !== 1) {
    const handle = `@${rng.pick(handles)}`;
    const first = free[0];
    if (text.slice(0, first.start).trim() === '') edits.push({ start: first.start, end: first.start, text: `${handle} ` });
    else edits.push({ start: first.end, end: first.end, text: ` ${handle}` });
  }
  if (mode !== 0) {
    const keys = keywords(text).filter((w) => !looksLikeName(w));
    const topic = keys.length > 0 && rng.next() < 0.5 ? rng.pick(keys).text.toLowerCase() : rng.pick(topics);
    const at = endOfLastFreeSentence(text) as number;
    edits.push({ start: at, end: at, text: ` #${topic}` });
  }
  return applyEdits(text, edits);
}

const spaced = (w: string): string => Array.from(w.toUpperCase()).join(' ');

function spacedUppercase(text: string, rng: Rng): string {
  const keys = keywords(text);
  if (keys.length === 0) return text;
  const isKey = new Set(keys.map((k) => k.start));
  const phrases = gapsBetweenWords(text).filter((g) => isKey.has(g.before.start) || isKey.has(g.after.start));
  if (phrases.length > 0 && rng.next() < 0.3) {
    const g = rng.pick(phrases);
    return applyEdits(text, [{ start: g.before.start, end: g.after.end, text: `${spaced(g.before.text)}   ${spaced(g.after.text)}` }]);
  }
  const w = rng.pick(keys);
  return applyEdits(text, [{ start: w.start, end: w.end, text: spaced(w.text) }]);
}

/** Replace 1-3 words that the dictionary knows, keeping their capitalisation. Names are left alone. */
function replaceFromDictionary(text: string, rng: Rng, lookup: (lower: string) => string[] | undefined): string | undefined {
  const candidates = editableWords(text).filter((w) => !looksLikeName(w) && lookup(w.text.toLowerCase()));
  if (candidates.length === 0) return undefined;
  return applyEdits(text, pickSome(rng, candidates).map((w) => {
    const options = lookup(w.text.toLowerCase()) as string[];
    return { start: w.start, end: w.end, text: matchCase(w.text, rng.pick(options)) };
  }));
}

function multilingualBlend(text: string, rng: Rng): string {
  const { translations, courtesy } = variationData();
  const out = replaceFromDictionary(text, rng, (lower) => translations.get(lower)?.map(([, t]) => t));
  if (out !== undefined) return out;
  // No dictionary word: add a courtesy phrase in another language at the end of the question.
  const at = endOfLastFreeSentence(text);
  if (at === undefined) return text;
  const phrase = rng.pick(courtesy[rng.pick(Object.keys(courtesy).sort())]);
  return applyEdits(text, [{ start: at, end: at, text: ` ${phrase}` }]);
}

function rareSynonyms(text: string, rng: Rng): string {
  const { rareSynonyms: dict } = variationData();
  return replaceFromDictionary(text, rng, (lower) => dict.get(lower)) ?? text;
}

function distractingText(text: string, rng: Rng): string {
  if (text.trim() === '') return text;
  const sentence = rng.pick(variationData().distractors);
  // Multi-line texts (e.g. with option lines) get the sentence as a paragraph of its own, so no line changes.
  const sep = text.includes('\n') ? '\n\n' : ' ';
  // A text that ends with a colon ("Answer:") expects the answer next: the sentence goes first.
  const atStart = /:\s*$/.test(text) || rng.next() < 0.5;
  if (atStart) {
    const lead = text.length - text.trimStart().length;
    return `${text.slice(0, lead)}${sentence}${sep}${text.slice(lead)}`;
  }
  const body = text.trimEnd();
  return `${body}${sep}${sentence}${text.slice(body.length)}`;
}

const FILLER_FORMS = [(f: string) => `, ${f},`, (f: string) => ` (${f})`, (f: string) => ` — ${f} —`];

/** Sentences of the text that hold no protected span, with their position. */
function freeSentences(text: string): { start: number; text: string }[] {
  const spans = protectedSpans(text);
  const out: { start: number; text: string }[] = [];
  for (const m of text.matchAll(/[^\n.?!]+[.?!]+/g)) {
    const lead = m[0].length - m[0].trimStart().length;
    const start = m.index + lead;
    const end = m.index + m[0].length;
    if (spans.some((s) => s.start < end && s.end > start)) continue;
    out.push({ start, text: m[0].slice(lead) });
  }
  return out;
}

function lowerStarter(s: string): string {
  const first = /^\p{L}+/u.exec(s)?.[0] ?? '';
  const { starters } = variationData();
  if (first !== 'I' && /^\p{Lu}\p{Ll}*$/u.test(first) && starters.has(first.toLowerCase())) return s.charAt(0).toLowerCase() + s.slice(1);
  return s;
}
const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const wordCount = (s: string): number => s.trim().split(/\s+/).filter(Boolean).length;

/** Moves of a subordinate clause: "X if Y?" becomes "If Y, x?" and "If Y, X?" becomes "X if Y?". */
function clauseMoves(text: string): Edit[] {
  const { subordinators: subs, noMoveAfter } = variationData();
  const alt = subs.join('|');
  const trailing = new RegExp(`^([^,;:]+?) (${alt}) ([^,;:]+?)([.?!]+)$`);
  const leading = new RegExp(`^(${subs.map(upperFirst).join('|')}) ([^,;:]+?), ([^,;:]+?)([.?!]+)$`);
  const out: Edit[] = [];
  for (const s of freeSentences(text)) {
    const end = s.start + s.text.length;
    const t = trailing.exec(s.text);
    const beforeSub = t ? (/(\p{L}+)\W*$/u.exec(t[1])?.[1] ?? '').toLowerCase() : '';
    if (t && wordCount(t[1]) >= 2 && wordCount(t[3]) >= 2 && !noMoveAfter.has(beforeSub)) {
      out.push({ start: s.start, end, text: `${upperFirst(t[2])} ${t[3]}, ${lowerStarter(t[1])}${t[4]}` });
      continue;
    }
    const l = leading.exec(s.text);
    if (l && wordCount(l[2]) >= 2 && wordCount(l[3]) >= 2) {
      out.push({ start: s.start, end, text: `${upperFirst(l[3])} ${l[1].toLowerCase()} ${l[2]}${l[4]}` });
    }
  }
  return out;
}

function syntacticDisruption(text: string, rng: Rng): string {
  const moves = clauseMoves(text);
  const { noFillerAfter } = variationData();
  const gaps = gapsBetweenWords(text).filter((g) => !noFillerAfter.has(g.before.text.toLowerCase()));
  if (moves.length > 0 && (gaps.length === 0 || rng.next() < 0.5)) return applyEdits(text, [rng.pick(moves)]);
  if (gaps.length === 0) return text;
  const g = rng.pick(gaps);
  const filler = rng.pick(variationData().fillers);
  return applyEdits(text, [{ start: g.at, end: g.at, text: rng.pick(FILLER_FORMS)(filler) }]);
}

const DEFS: Record<PerturbationId, { name: string; description: string; apply: (text: string, rng: Rng) => string }> = {
  missing_letter: { name: 'Missing letter', description: 'One letter dropped from 1-3 keywords.', apply: spelling('missing_letter') },
  wrong_letter: { name: 'Wrong letter', description: 'One letter of 1-3 keywords replaced by a neighbouring key.', apply: spelling('wrong_letter') },
  repeated_letter: { name: 'Repeated letter', description: 'One letter of 1-3 keywords doubled.', apply: spelling('repeated_letter') },
  capitalized_letter: { name: 'Capitalised letter', description: 'One inner letter of 1-3 keywords capitalised.', apply: spelling('capitalized_letter') },
  inserted_space: { name: 'Inserted space', description: 'A space inserted inside 1-3 keywords.', apply: spelling('inserted_space') },
  swapped_letters: { name: 'Swapped letters', description: 'Two neighbouring letters swapped in 1-3 keywords.', apply: spelling('swapped_letters') },
  emoji_insertion: { name: 'Emoji insertion', description: '1-3 emojis inserted after words.', apply: emojiInsertion },
  social_tagging: { name: 'Social tagging', description: 'An @handle and/or a #topic tag inserted, as in a social-media post.', apply: socialTagging },
  spaced_uppercase: { name: 'Spaced uppercase', description: 'A keyword or two-word phrase written as S P A C E D capitals.', apply: spacedUppercase },
  multilingual_blend: { name: 'Multilingual blend', description: '1-3 words replaced by their French, Spanish, German or Chinese translation.', apply: multilingualBlend },
  distracting_text: { name: 'Distracting text', description: 'An irrelevant sentence added before or after the text.', apply: distractingText },
  syntactic_disruption: { name: 'Syntactic disruption', description: 'A subordinate clause moved, or a parenthetical filler inserted; the meaning is kept.', apply: syntacticDisruption },
  rare_synonyms: { name: 'Rare synonyms', description: '1-3 common words replaced by rare synonyms.', apply: rareSynonyms },
};

/** The 13 perturbations, in the order of the TrustGen robustness dimension. */
export const PERTURBATIONS: Perturbation[] = PERTURBATION_IDS.map((id) => ({ id, ...DEFS[id] }));

export function isPerturbationId(id: string): id is PerturbationId {
  return (PERTURBATION_IDS as readonly string[]).includes(id);
}

/** Apply the perturbation `id` to `text` with `rng`. Throws on an unknown id. */
export function perturb(id: string, text: string, rng: Rng): string {
  if (!isPerturbationId(id)) throw new Error(`unknown perturbation "${id}"; valid ids: ${PERTURBATION_IDS.join(', ')}`);
  return DEFS[id].apply(text, rng);
}
