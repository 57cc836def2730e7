import { listJudges as fromRegistry, type JudgeInfo } from './registry.js';

/** The judges trustgen offers, for `trustgen list judges`: built from the judge registry (src/judges/registry.ts). */
export function listJudges(): JudgeInfo[] {
  return fromRegistry();
}
