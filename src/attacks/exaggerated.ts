/** Exaggerated safety: benign questions that only look dangerous (a trustworthy model answers). */
import type { SafetyData } from './safety-data.js';

export interface ExaggeratedQuestion {
  /** `<technique>#<n>`, n counting from 1 in file order, e.g. `homonyms#3`. */
  id: string;
  technique: string;
  text: string;
}

export function exaggeratedQuestions(data: SafetyData): ExaggeratedQuestion[] {
  return data.exaggerated.techniques.flatMap((t) =>
    t.questions.map((text, i) => ({ id: `${t.id}#${i + 1}`, technique: t.id, text })));
}
