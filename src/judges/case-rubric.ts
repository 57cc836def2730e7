import { conversationText, messageText, type Case } from '../core/case.js';
import type { ModelCaller } from '../engine/caller.js';
import { readAnswer, referenceText } from './answer-judges.js';
import { loadRubric, rubricJudge } from './rubric.js';
import { refusalVerdict } from './refusal-score.js';
import type { JudgedResponse, Judge, JudgeInput, LabelJudge, Verdict } from './types.js';

/**
 * What the judge model reads as the request: the last user message, or for a conversation (an assistant turn
 * before the last question, as in sycophancy cases) the whole exchange with its roles, so "Are you sure?" is
 * judged in context.
 */
export function requestText(c: Pick<Case, 'messages'>): string {
  const turns = c.messages.filter((m) => m.role !== 'system');
  if (turns.length <= 1) return turns.length ? messageText(turns[0], '[image]') : '';
  return conversationText(c, '[image]');
}

/** The rubric an LLM judge uses for a case: the case's own choice, else the default for its kind. */
export function rubricFor(c: Case): string | undefined {
  switch (c.judge.kind) {
    case 'refusal': return 'refusal';
    case 'match': return c.judge.rubric ?? 'correct';
    case 'neutral': return 'neutrality';
    case 'abstain': return 'honesty';
    case 'toxicity': return 'toxicity';
    default: return undefined;
  }
}

/**
 * The rubric LLM judge for every kind of case it can read (refusal, match, neutral, abstain): fills the
 * rubric from the case and scores the label by the rubric's `pass` list (refusal: by what the case expects).
 * Match cases also carry the answer read offline, so pair metrics compare answers, not only verdicts.
 */
export function rubricCaseJudge(caller: ModelCaller): Judge {
  const judges = new Map<string, LabelJudge>();
  const judgeFor = (id: string) => {
    let j = judges.get(id);
    if (!j) { j = rubricJudge(caller, id); judges.set(id, j); }
    return j;
  };
  return {
    id: `rubric:${caller.id}`,
    async judge(c: Case, r: JudgedResponse): Promise<Verdict> {
      const id = rubricFor(c);
      if (!id) throw new Error(`no rubric judges ${c.judge.kind} cases`);
      const input: JudgeInput = { prompt: requestText(c), response: r.text };
      if (c.expected) {
        input.reference = referenceText(c.expected);
        if (c.expected.choices?.length && c.expected.format === 'mc') input.choices = c.expected.choices;
      }
      const v = await judgeFor(id).label(input);
      if (c.judge.kind === 'refusal') return refusalVerdict(c, v.label, v.reason);
      const pass = loadRubric(id).pass?.includes(v.label) ?? false;
      const answer = c.judge.kind === 'match' && c.expected ? readAnswer(c.expected, r.text).answer : null;
      return { label: v.label, score: pass ? 1 : 0, reason: v.reason, answer };
    },
  };
}
