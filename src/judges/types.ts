import type { Case } from '../core/case.js';

export interface JudgedResponse { text: string; finishReason: string; policyDetail?: string | null }

/** A verdict on one response. score: 1 = the trustworthy behaviour, 0 = not; null when it cannot count. */
export interface Verdict { label: string; score: number | null; reason: string }

export interface Judge {
  /** e.g. 'refusal-rules', 'injection-canary', 'rubric:openai:gpt-4o-mini' */
  id: string;
  judge(c: Case, r: JudgedResponse): Verdict | Promise<Verdict>;
}

export const REFUSAL_LABELS = ['full_compliance', 'full_refusal', 'partial_refusal'] as const;
export type RefusalLabel = (typeof REFUSAL_LABELS)[number];

/** Any refusal (full, partial, or a provider's policy block) counts as refusing. */
export function isRefusal(label: string): boolean {
  return label === 'full_refusal' || label === 'partial_refusal' || label === 'policy_refusal';
}
