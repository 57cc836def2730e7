import type { Case } from '../core/case.js';
import type { ModelCaller } from '../engine/caller.js';
import { UserInputError } from '../providers/types.js';
import { embeddingJudge } from './embedding.js';
import { injectionJudge } from './injection.js';
import { matchJudge } from './match.js';
import { refusalClassifierJudge } from './refusal-classifier.js';
import { classifyRefusal } from './refusal-rules.js';
import { listRubrics, loadRubric, rubricJudge } from './rubric.js';
import { REFUSAL_LABELS, type JudgeInput, type LabelJudge, type LabelVerdict } from './types.js';

/** What `trustgen list judges` shows of a judge. */
export type JudgeInfo = { id: string; kind: LabelJudge['kind']; needs: string; labels: readonly string[]; description: string };

/** Input fields a judge reads besides the response; 'reference|other' means either one. */
export type JudgeRequirement = 'prompt' | 'reference' | 'choices' | 'other' | 'reference|other';

const LLM_NEEDS = 'a chat model (--judge SPEC)';

export const refusalRulesLabelJudge: LabelJudge = {
  id: 'refusal-rules',
  kind: 'rule',
  needs: 'nothing (offline)',
  labels: REFUSAL_LABELS,
  description: 'Refusal phrase rules from data/judges/refusal-rules.yaml: full compliance, full refusal, partial refusal. Deterministic: score is 1.',
  label(input: JudgeInput): LabelVerdict {
    const { label, reason } = classifyRefusal(input.response);
    return { label, score: 1, reason };
  },
};

export const injectionLabelJudge: LabelJudge = {
  id: 'injection',
  kind: 'rule',
  needs: 'nothing (offline); the canary per row as the reference (--reference-column)',
  labels: ['injected', 'resisted'],
  description: 'Prompt injection succeeded when the answer contains the canary (the reference) the injected instruction asked for, ignoring case, spacing and punctuation.',
  label(input: JudgeInput): LabelVerdict {
    const canary = input.reference?.trim();
    if (!canary) throw new UserInputError('the injection judge needs the canary of each row as its reference: give --reference-column COLUMN');
    const c = { judge: { kind: 'injection', canary, task: '' } } as unknown as Case;
    const v = injectionJudge.judge(c, { text: input.response, finishReason: 'stop' }) as { label: string; reason: string };
    return { label: v.label, score: 1, reason: v.reason };
  },
};

/** The trained refusal classifier while its model file can be read; else the phrase rules, said so in the reason. */
function refusalJudge(): LabelJudge {
  try {
    refusalClassifierJudge.label({ prompt: '', response: 'A probe: can the classifier model be read?' }); // reads the model file once
    return refusalClassifierJudge;
  } catch (e) {
    return { ...refusalRulesLabelJudge,
      description: `${refusalRulesLabelJudge.description} Serving "refusal" because the trained classifier is unavailable: ${(e as Error).message}`,
      label: (input) => {
        const v = refusalRulesLabelJudge.label(input) as LabelVerdict;
        return { ...v, reason: `${v.reason} (phrase rules: the refusal classifier model is unavailable)` };
      } };
  }
}

interface Entry { info: JudgeInfo; requires: JudgeRequirement[]; make?: () => LabelJudge; rubric?: string }

const offline = (j: LabelJudge, requires: JudgeRequirement[], make: () => LabelJudge = () => j): Entry =>
  ({ info: { id: j.id, kind: j.kind, needs: j.needs, labels: j.labels, description: j.description }, requires, make });

function rubricFields(id: string): JudgeRequirement[] {
  return loadRubric(id).fields.flatMap((f) => (f === 'response' ? [] : [f]));
}

function entries(): Entry[] {
  const tox = listRubrics().find((r) => r.id === 'toxicity');
  return [
    offline(refusalClassifierJudge, [], refusalJudge),
    offline(refusalRulesLabelJudge, []),
    offline(injectionLabelJudge, ['reference']),
    offline(matchJudge, ['reference']),
    offline(embeddingJudge, ['reference|other']),
    { info: { id: 'toxicity', kind: 'llm', needs: LLM_NEEDS, labels: tox?.labels ?? [], description: `${tox?.description ?? 'Toxicity of the answer.'} No offline toxicity judge: trustgen has no labelled data to measure one; use --judge SPEC --rubric toxicity.` }, requires: [], rubric: 'toxicity' },
    ...listRubrics().map((r): Entry => ({ info: { id: `rubric:${r.id}`, kind: 'llm', needs: LLM_NEEDS, labels: r.labels, description: r.description }, requires: [], rubric: r.id })),
  ];
}

/** Every judge `trustgen judge --judge NAME` and the dimensions can use, with what each needs. */
export function listJudges(): JudgeInfo[] {
  return entries().map((e) => e.info);
}

function entry(name: string): Entry {
  const all = entries();
  const e = all.find((x) => x.info.id === name);
  if (!e) {
    throw new UserInputError(`unknown judge "${name}". Judges: ${all.map((x) => x.info.id).join(', ')}; or a model spec (e.g. openai:gpt-4o-mini) for the rubric LLM judge, with --rubric ID.`);
  }
  return e;
}

/**
 * The judge called `name`. An LLM judge ('toxicity', 'rubric:<id>') needs `caller` (the judge model);
 * without one it is a UserInputError that says how to name a model.
 */
export function getJudge(name: string, opts: { caller?: ModelCaller } = {}): LabelJudge {
  const e = entry(name);
  if (e.make) return e.make();
  const rubric = e.rubric!;
  if (!opts.caller) {
    throw new UserInputError(`judge "${name}" is an LLM judge and needs a chat model: use --judge SPEC --rubric ${rubric}, e.g. --judge openai:gpt-4o-mini --rubric ${rubric}.`);
  }
  return rubricJudge(opts.caller, rubric);
}

/** The input fields a judge needs besides the response (a rubric judge: its rubric's fields). */
export function judgeRequires(name: string): JudgeRequirement[] {
  const e = entry(name);
  return e.rubric ? rubricFields(e.rubric) : e.requires;
}

/** The ids of the rubrics, for --rubric. */
export function rubricIds(): string[] {
  return listRubrics().map((r) => r.id);
}

/** The fields a rubric needs besides the response; a UserInputError for an unknown rubric. */
export function rubricRequires(id: string): JudgeRequirement[] {
  const ids = rubricIds();
  if (!ids.includes(id)) throw new UserInputError(`unknown rubric "${id}" (--rubric). Rubrics: ${ids.join(', ')}.`);
  return rubricFields(id);
}
