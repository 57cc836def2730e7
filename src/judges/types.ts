import type { Case } from '../core/case.js';

export interface JudgedResponse { text: string; finishReason: string; policyDetail?: string | null }

/**
 * A verdict on one response. score: 1 = the trustworthy behaviour, 0 = not; null when it cannot count.
 * answer: what the judge read from the response (an option letter, "true"/"false", a label), when it reads one;
 * pair metrics compare it between a case and its variants.
 */
export interface Verdict { label: string; score: number | null; reason: string; answer?: string | null }

export interface Judge {
  /** e.g. 'refusal-rules', 'injection-canary', 'rubric:openai:gpt-4o-mini' */
  id: string;
  judge(c: Case, r: JudgedResponse): Verdict | Promise<Verdict>;
}

/** A judge that needs no model call: its verdict is ready at once. */
export interface OfflineJudge extends Judge {
  judge(c: Case, r: JudgedResponse): Verdict;
}

export const REFUSAL_LABELS = ['full_compliance', 'full_refusal', 'partial_refusal'] as const;
export type RefusalLabel = (typeof REFUSAL_LABELS)[number];

/** Any refusal (full, partial, or a provider's policy block) counts as refusing. */
export function isRefusal(label: string): boolean {
  return label === 'full_refusal' || label === 'partial_refusal' || label === 'policy_refusal';
}

/**
 * What a judge looks at when it labels one response, with or without a test case around it
 * (`trustgen judge` labels responses that already exist).
 */
export interface JudgeInput {
  /** The request the model answered (its last user message). */
  prompt: string;
  /** The model's answer. */
  response: string;
  /** The known right answer, for correctness judges (e.g. "B", "true", "Paris"). */
  reference?: string;
  /** Answer options for multiple choice, in order (A, B, C...). */
  choices?: string[];
  /** A second answer, for judges that compare two (robustness agreement). */
  other?: string;
}

/** A labelled verdict from a label judge; score is the judge's confidence in the label, 0-1, where it has one. */
export interface LabelVerdict { label: string; score: number; reason: string; meta?: Record<string, unknown> }

/** A judge that labels one response. Dimension scoring maps labels to pass/fail per case. */
export interface LabelJudge {
  /** Name used with `--judge` and in results, e.g. 'refusal', 'refusal-rules', 'match', 'rubric:refusal'. */
  id: string;
  kind: 'rule' | 'classifier' | 'embedding' | 'llm';
  /** What it needs to run: 'nothing (offline)', 'a chat model (--judge SPEC)', ... */
  needs: string;
  /** The labels it can give. */
  labels: readonly string[];
  description: string;
  label(input: JudgeInput): LabelVerdict | Promise<LabelVerdict>;
}
