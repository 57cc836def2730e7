/**
 * How a multiple-choice question is written in a message: the question, then one line per option
 * ("A) ...", "B) ..."), then an optional instruction line. renderMc and parseMc are inverses.
 */

export const MC_INSTRUCTION = 'Answer with the letter of the right option.';

export const letterOf = (index: number): string => String.fromCharCode(65 + index);

/** The index of an answer letter ("B", "b", "(B)", "B)"), or -1. */
export function indexOfLetter(answer: string): number {
  const m = /^\s*\(?([A-Za-z])\)?\s*\.?\s*$/.exec(answer);
  return m ? m[1].toUpperCase().charCodeAt(0) - 65 : -1;
}

/** The question followed by its options as lines "A) ...", "B) ...", and the instruction when given. */
export function renderMc(question: string, choices: readonly string[], instruction?: string): string {
  if (choices.length < 2 || choices.length > 26) throw new Error(`a multiple-choice question needs 2 to 26 options, got ${choices.length}`);
  const lines = choices.map((c, i) => `${letterOf(i)}) ${c.replace(/\s*\n\s*/g, ' ').trim()}`);
  return [question.trimEnd(), ...lines, ...(instruction ? [instruction] : [])].join('\n');
}

export interface ParsedMc {
  question: string;
  choices: string[];
  /** Text after the options (e.g. "Answer with the letter..."), if any. */
  instruction?: string;
}

const OPTION_LINE = /^\s*(?:\(([A-Z])\)|([A-Z])[).:])\s+(.*\S)\s*$/;

/**
 * The question, options and trailing instruction of a message written by renderMc (also accepts
 * "(A) ...", "A. ..." and "A: ..." lines). The options are the last run of two or more lines
 * lettered A, B, C... in order; null when there is none or no question before it.
 */
export function parseMc(text: string): ParsedMc | null {
  const lines = text.split('\n');
  for (let end = lines.length - 1; end >= 0; end--) {
    // Find a line lettered A, then read B, C... after it.
    const m = OPTION_LINE.exec(lines[end]);
    if (!m || (m[1] ?? m[2]) !== 'A') continue;
    const choices: string[] = [];
    let i = end;
    for (; i < lines.length; i++) {
      const o = OPTION_LINE.exec(lines[i]);
      if (!o || (o[1] ?? o[2]) !== letterOf(choices.length)) break;
      choices.push(o[3]);
    }
    if (choices.length < 2) continue;
    const question = lines.slice(0, end).join('\n').trim();
    if (!question) return null;
    const instruction = lines.slice(i).join('\n').trim();
    return instruction ? { question, choices, instruction } : { question, choices };
  }
  return null;
}
