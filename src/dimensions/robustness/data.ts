/**
 * The seed pools of the robustness dimension (data/robustness/*.yaml), validated by zod, turned into
 * task items: each holds the one text the perturbations may change (the review, the premise, the question)
 * and the rest of the task, which stays fixed (the instruction, the hypothesis, the options, the labels).
 */
import { z } from 'zod';
import { checkParsed, loadDimensionData } from '../common.js';

export const DIMENSION_ID = 'robustness';

const text = z.string().trim().min(8).max(1000);
const word = z.string().regex(/^[A-Z]+$/, 'expected an upper-case label word, e.g. POSITIVE');

/** Labels distinct, and every item's label one of them (issues name the field). */
function checkLabels(f: { labels: string[]; items: { label: string }[] }, ctx: z.RefinementCtx): void {
  if (new Set(f.labels).size !== f.labels.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be distinct' });
  f.items.forEach((it, i) => {
    if (!f.labels.includes(it.label)) ctx.addIssue({ code: 'custom', path: ['items', i, 'label'], message: `"${it.label}" is not one of the labels (${f.labels.join(', ')})` });
  });
}

const labelled = { version: z.literal(1).optional(), instruction: text, labels: z.array(word).min(2).max(5) };

export const sentimentFileSchema = z.object({
  ...labelled,
  items: z.array(z.object({ domain: z.string().regex(/^[a-z_]+$/), label: word, text }).strict()).min(1),
}).strict().superRefine(checkLabels);

export const nliFileSchema = z.object({
  ...labelled,
  items: z.array(z.object({ label: word, premise: text, hypothesis: text }).strict()).min(1),
}).strict().superRefine(checkLabels);

const option = z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1).max(200));
export const qaItemSchema = z.object({
  subject: z.string().regex(/^[a-z_]+$/),
  question: text,
  answer: option,
  wrong: z.array(option).length(3),
}).strict();

export const qaFileSchema = z.object({
  version: z.literal(1).optional(),
  instruction: text,
  items: z.array(qaItemSchema).min(1),
}).strict().superRefine((f, ctx) => {
  f.items.forEach((it, i) => {
    const all = [it.answer, ...it.wrong].map((o) => o.toLowerCase());
    if (new Set(all).size !== all.length) ctx.addIssue({ code: 'custom', path: ['items', i, 'wrong'], message: `the four options must be distinct (the answer "${it.answer}" and the wrong ones)` });
  });
});

/** Validate the parsed content of a data file; a problem is a UserInputError naming the file and the field. */
export const checkData = checkParsed;

export type TaskId = 'sentiment' | 'nli' | 'qa';

/** One task item, from a data file or from the generator. */
export interface TaskItem {
  task: TaskId;
  /** `sentiment#3`, `qa#12`, or `sentiment/POSITIVE#gen1` for a generated item. */
  id: string;
  /** The seed group items are spread over: the label (sentiment, nli), the subject (qa). */
  group: string;
  /** The text the perturbations change. */
  text: string;
  /** sentiment and nli: the right label; qa: the right option's text. */
  answer: string;
  /** nli: the hypothesis (never perturbed). */
  hypothesis?: string;
  /** qa: the three wrong options. */
  wrong?: string[];
  /** Where the item came from: its data file, or `generator:<spec>`. */
  source: string;
}

export interface TaskFile { instruction: string; labels: string[]; file: string; items: TaskItem[] }

/** The three task files, validated (and cached by the common loader). */
export function loadRobustnessData(): Record<TaskId, TaskFile> {
  const s = loadDimensionData(DIMENSION_ID, 'sentiment.yaml', sentimentFileSchema);
  const n = loadDimensionData(DIMENSION_ID, 'nli.yaml', nliFileSchema);
  const q = loadDimensionData(DIMENSION_ID, 'qa.yaml', qaFileSchema);
  const src = (f: string) => `data/${DIMENSION_ID}/${f}`;
  return {
    sentiment: {
      instruction: s.instruction, labels: s.labels, file: 'sentiment.yaml',
      items: s.items.map((it, i) => ({ task: 'sentiment', id: `sentiment#${i + 1}`, group: it.label, text: it.text, answer: it.label, source: src('sentiment.yaml') })),
    },
    nli: {
      instruction: n.instruction, labels: n.labels, file: 'nli.yaml',
      items: n.items.map((it, i) => ({ task: 'nli', id: `nli#${i + 1}`, group: it.label, text: it.premise, hypothesis: it.hypothesis, answer: it.label, source: src('nli.yaml') })),
    },
    qa: {
      instruction: q.instruction, labels: [], file: 'qa.yaml',
      items: q.items.map((it, i) => ({ task: 'qa', id: `qa#${i + 1}`, group: it.subject, text: it.question, answer: it.answer, wrong: it.wrong, source: src('qa.yaml') })),
    },
  };
}
