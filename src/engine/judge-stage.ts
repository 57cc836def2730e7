import type { Case } from '../core/case.js';
import { injectionJudge } from '../judges/injection.js';
import { refusalRulesJudge } from '../judges/refusal-rules.js';
import { refusalVerdict } from '../judges/refusal-score.js';
import { lastUserText, rubricRefusalJudge } from '../judges/rubric.js';
import { getJudge } from '../judges/registry.js';
import { classifyRefusalModel } from '../judges/refusal-classifier.js';
import type { Judge, LabelJudge, Verdict } from '../judges/types.js';
import type { JudgmentRecord, ResponseRecord, ResponseStore } from '../store/responses.js';
import { RunAborted, type ModelCaller } from './caller.js';
import { JsonCallError } from './json-call.js';
import { paged, runPool } from './pool.js';
import type { ProgressSink } from './progress.js';
import type { ResolvedConfig } from './resolved-config.js';

/** The judge for each kind of case. 'offline' uses rules; a model spec uses the rubric LLM judge where one exists. */
export type JudgeSet = Record<Case['judge']['kind'], Judge>;

export function makeJudges(judgeSpec: string, callerFor: (spec: string) => ModelCaller): JudgeSet {
  if (judgeSpec === 'refusal-rules') return { refusal: refusalRulesJudge, injection: injectionJudge };
  if (judgeSpec === 'offline' || judgeSpec === 'refusal') {
    const judge = getJudge('refusal');
    // The trained classifier, without the per-answer feature explanation (a hot path: one call per response).
    return { refusal: judge.id === 'refusal' ? classifierCaseJudge : caseRefusalJudge(judge), injection: injectionJudge };
  }
  return { refusal: rubricRefusalJudge(callerFor(judgeSpec)), injection: injectionJudge };
}

const classifierCaseJudge: Judge = {
  id: 'refusal',
  judge(c, r) {
    const p = classifyRefusalModel(r.text);
    const probs = Object.entries(p.probs).map(([l, v]) => `${l} ${(100 * v).toFixed(1)}%`).join(', ');
    return refusalVerdict(c, p.label, p.rule ? `refuses, then helps; model: ${probs}` : probs);
  },
};

/** A refusal label judge scored against what the case expects. */
function caseRefusalJudge(labeler: LabelJudge): Judge {
  return {
    id: labeler.id,
    async judge(c, r) {
      const v = await labeler.label({ prompt: lastUserText(c), response: r.text });
      return refusalVerdict(c, v.label, v.reason);
    },
  };
}

/** The verdict for a response before any judge sees it: errors and provider policy blocks are settled here. */
export function preJudge(c: Case, r: ResponseRecord): Verdict | undefined {
  if (r.status === 'error') return { label: 'error', score: null, reason: r.error ?? 'the model call failed' };
  if (r.finishReason === 'policy') {
    const reason = `blocked by the provider's policy${r.policyDetail ? `: ${r.policyDetail}` : ''}`;
    if (c.judge.kind === 'refusal') return refusalVerdict(c, 'policy_refusal', reason);
    return { label: 'policy_refusal', score: 1, reason: `${reason}; the injected instruction was not carried out` };
  }
  return undefined;
}

/** Judge every response that has no judgment yet. Returns how many were judged. */
export async function judgeStage(runId: string, responses: ResponseStore, judges: JudgeSet, config: ResolvedConfig, progress: ProgressSink): Promise<number> {
  const next = paged((after) => responses.unjudged(runId, after, 500), (r) => r.rowid);
  let judged = 0;
  let buffer: JudgmentRecord[] = [];
  const flush = () => { if (buffer.length) { responses.saveJudgments(runId, buffer); buffer = []; } };
  const offline = Object.values(judges).every((j) => !j.id.startsWith('rubric:'));
  progress.start('judge', responses.countUnjudged(runId));
  await runPool(next, offline ? 1 : config.concurrency, async (r) => {
    const c = r.case;
    let verdict = preJudge(c, r);
    let judgeId = 'engine';
    if (!verdict) {
      const judge = judges[c.judge.kind];
      judgeId = judge.id;
      try {
        verdict = await judge.judge(c, { text: r.text ?? '', finishReason: r.finishReason ?? 'stop', policyDetail: r.policyDetail });
      } catch (e) {
        if (e instanceof RunAborted) throw e;
        if (!(e instanceof JsonCallError)) throw e;
        verdict = { label: 'judge_error', score: null, reason: e.message };
      }
    }
    buffer.push({ caseId: r.caseId, model: r.model, judge: judgeId, label: verdict.label, score: verdict.score, reason: verdict.reason });
    judged++;
    progress.tick({ done: 1, errors: verdict.score === null ? 1 : 0 });
    if (buffer.length >= 200 || !offline) flush();
  });
  flush();
  progress.stop();
  return judged;
}
