/**
 * Format conversion between open-ended, multiple-choice (mc) and true/false (tf) questions, rewriting
 * the expected answer with the question so that the ground truth stays right:
 *   mc→tf   (no generator) the right choice (answer "true") or a wrong one ("false"), chosen by the rng
 *   mc→open (no generator) the options dropped; the answer is the right choice's text
 *   tf→mc   the statement among three generated statements of the opposite truth value
 *   open→mc the reference answer among three generated wrong answers, at an rng-chosen letter
 *   open→tf the reference answer (true) or one generated wrong answer (false), chosen by the rng
 * Each returns null when the case has no expected answer or another format.
 */
import type { Case, ExpectedAnswer } from '../core/case.js';
import type { Generator } from '../engine/generator.js';
import type { Rng } from '../util/rng.js';
import { lastUserText, withText } from './case-edit.js';
import { writeDistractors } from './llm.js';
import { MC_INSTRUCTION, indexOfLetter, letterOf, parseMc, renderMc } from './mc.js';
import type { Variator } from './types.js';

/** Options that only make sense next to the other options. */
const RELATIVE_CHOICE = /\b(?:all|none|both|neither) of (?:the )?(?:above|these|them|others)\b|^(?:all|none|both|neither)\.?$|^(?:both|only) [A-H] and [A-H]\b/i;
/** Questions that refer to their options and cannot stand without them. */
const REFERS_TO_OPTIONS = /\b(?:of the following|the following (?:options|choices|statements|answers)|the options|the choices|listed below|listed above)\b/i;

/** The True-or-false question stating that `choice` answers `question`. */
export function tfQuestion(question: string, choice: string): string {
  return `True or false: the answer to "${question.trim()}" is "${choice.trim()}".`;
}

interface McCase { question: string; choices: string[]; right: number }

/** The question, options and right index of an mc case, or null when they cannot be read consistently. */
function readMc(c: Case): McCase | null {
  if (c.expected?.format !== 'mc') return null;
  const text = lastUserText(c);
  const parsed = text === null ? null : parseMc(text);
  if (!parsed) return null;
  const choices = c.expected.choices ?? parsed.choices;
  if (choices.length !== parsed.choices.length) return null;
  const right = indexOfLetter(c.expected.answer);
  if (right < 0 || right >= choices.length) return null;
  return { question: parsed.question, choices, right };
}

/** The statement a tf question asks about, without its "True or false:" framing; null when it is not a statement. */
export function tfStatement(text: string): string | null {
  let s = text.trim()
    .replace(/^true\s+or\s+false\s*[:?.\-–—]\s*/i, '')
    .replace(/\s*\(?\s*(?:true\s*(?:or|\/)\s*false|yes\s*(?:or|\/)\s*no)\s*\)?\s*[?.]?\s*$/i, '')
    .replace(/\s*answer\s+(?:with\s+)?"?true"?\s+or\s+"?false"?\.?\s*$/i, '')
    .trim();
  const isItTrue = /^is\s+it\s+(?:true|correct|the\s+case)\s+that\s+(.+?)\s*\?$/is.exec(s);
  if (isItTrue) s = `${isItTrue[1].charAt(0).toUpperCase()}${isItTrue[1].slice(1)}.`;
  if (!s || s.endsWith('?') || s.includes('\n')) return null;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function tfTruth(e: ExpectedAnswer | undefined): boolean | null {
  if (e?.format !== 'tf') return null;
  const a = e.answer.trim().toLowerCase();
  return a === 'true' ? true : a === 'false' ? false : null;
}

/** Put `right` among `wrong` at an rng-chosen position: the mc text and its expected answer. */
function placeAmong(rng: Rng, question: string, right: string, wrong: string[]): { text: string; expected: ExpectedAnswer } {
  const pos = rng.int(wrong.length + 1);
  const choices = [...wrong];
  choices.splice(pos, 0, right);
  return { text: renderMc(question, choices, MC_INSTRUCTION), expected: { format: 'mc', answer: letterOf(pos), choices } };
}

export const mcToTf: Variator = {
  id: 'format:mc->tf',
  name: 'Multiple choice to true/false',
  description: 'Asks whether one option (the right one: true, or a wrong one: false, chosen by the rng) answers the question.',
  needsGenerator: false,
  apply: async (c, rng) => {
    const mc = readMc(c);
    if (!mc || RELATIVE_CHOICE.test(mc.choices[mc.right])) return null;
    const wrong = mc.choices.map((_, i) => i).filter((i) => i !== mc.right && !RELATIVE_CHOICE.test(mc.choices[i]));
    const useRight = wrong.length === 0 || rng.next() < 0.5;
    const index = useRight ? mc.right : rng.pick(wrong);
    return withText(c, 'format:mc->tf', tfQuestion(mc.question, mc.choices[index]), { format: 'tf', answer: useRight ? 'true' : 'false' });
  },
};

export const mcToOpen: Variator = {
  id: 'format:mc->open',
  name: 'Multiple choice to open-ended',
  description: 'Drops the options; the expected answer becomes the right option\'s text (not for questions that refer to their options).',
  needsGenerator: false,
  apply: async (c) => {
    const mc = readMc(c);
    if (!mc || RELATIVE_CHOICE.test(mc.choices[mc.right]) || REFERS_TO_OPTIONS.test(mc.question)) return null;
    return withText(c, 'format:mc->open', mc.question, { format: 'open', answer: mc.choices[mc.right] });
  },
};

export const tfToMc: Variator = {
  id: 'format:tf->mc',
  name: 'True/false to multiple choice',
  description: 'The statement among three generated statements of the opposite truth value: "Which of the following statements is true (false)?"',
  needsGenerator: true,
  apply: async (c, rng, generator?: Generator) => {
    const truth = tfTruth(c.expected);
    const text = lastUserText(c);
    const statement = text === null ? null : tfStatement(text);
    if (!generator || truth === null || statement === null) return null;
    const question = `Which of the following statements is ${truth ? 'true' : 'false'}?`;
    const wrong = await writeDistractors(generator, rng, question, statement, truth ? 'false_statements' : 'true_statements', 3);
    const out = placeAmong(rng, question, statement, wrong);
    return withText(c, 'format:tf->mc', out.text, out.expected);
  },
};

export const openToMc: Variator = {
  id: 'format:open->mc',
  name: 'Open-ended to multiple choice',
  description: 'The reference answer among three plausible wrong answers written by the generator, at an rng-chosen letter.',
  needsGenerator: true,
  apply: async (c, rng, generator?: Generator) => {
    const text = lastUserText(c);
    if (!generator || c.expected?.format !== 'open' || text === null || parseMc(text)) return null;
    const right = c.expected.answer.trim();
    const wrong = await writeDistractors(generator, rng, text, right, 'answers', 3);
    const out = placeAmong(rng, text, right, wrong);
    return withText(c, 'format:open->mc', out.text, out.expected);
  },
};

export const openToTf: Variator = {
  id: 'format:open->tf',
  name: 'Open-ended to true/false',
  description: 'Asks whether the reference answer (true) or one generated wrong answer (false), chosen by the rng, answers the question.',
  needsGenerator: true,
  apply: async (c, rng, generator?: Generator) => {
    const text = lastUserText(c);
    if (!generator || c.expected?.format !== 'open' || text === null) return null;
    const right = c.expected.answer.trim();
    const useRight = rng.next() < 0.5;
    const choice = useRight ? right : (await writeDistractors(generator, rng, text, right, 'answers', 1))[0];
    return withText(c, 'format:open->tf', tfQuestion(text, choice), { format: 'tf', answer: useRight ? 'true' : 'false' });
  },
};

export const FORMAT_VARIATORS: Variator[] = [mcToTf, mcToOpen, tfToMc, openToMc, openToTf];
