/**
 * With --generator: new base items for the robustness tasks, written by the generator model from the seed
 * pools (prompts in data/generator/robustness.yaml). Answers are JSON validated; an item that breaks a rule
 * (a quotation mark in the text, options that repeat) is dropped, and a group whose generation fails is
 * logged and skipped.
 */
import { z } from 'zod';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator } from '../../engine/generator.js';
import { fillTemplate } from '../../util/template.js';
import type { TaskFile, TaskId, TaskItem } from './data.js';

const sentence = z.string().trim().min(8).max(600);
const option = z.string().trim().min(1).max(120);
const answers = {
  sentiment: z.object({ items: z.array(sentence).min(1) }),
  nli: z.object({ items: z.array(z.object({ premise: sentence, hypothesis: sentence })).min(1) }),
  qa: z.object({ items: z.array(z.object({ question: sentence, answer: option, wrong: z.array(option).length(3) })).min(1) }),
};
const PROMPT: Record<TaskId, string> = { sentiment: 'sentiment_reviews', nli: 'nli_pairs', qa: 'qa_questions' };

/** The groups new items are asked for: each label (sentiment, nli) or each subject (qa). */
function groupsOf(task: TaskId, file: TaskFile): string[] {
  return task === 'qa' ? [...new Set(file.items.map((i) => i.group))] : file.labels;
}

/** Quotation marks would shield words from the perturbations; repeated options make a question ambiguous. */
function usable(it: TaskItem): boolean {
  const texts = [it.text, it.hypothesis ?? '', it.answer, ...(it.wrong ?? [])];
  if (texts.some((t) => /["“”«»]/.test(t))) return false;
  if (it.wrong) {
    const all = [it.answer, ...it.wrong].map((o) => o.toLowerCase());
    if (new Set(all).size !== all.length) return false;
  }
  return true;
}

async function generateGroup(gen: Generator, task: TaskId, file: TaskFile, group: string, count: number): Promise<TaskItem[]> {
  const prompts = loadGeneratorPrompts('robustness');
  const p = prompts[PROMPT[task]];
  if (!p) throw new Error(`data/generator/robustness.yaml has no prompt "${PROMPT[task]}"`);
  const seeds = file.items.filter((i) => i.group === group).slice(0, 3);
  const examples = JSON.stringify(seeds.map((s) => (task === 'nli' ? { premise: s.text, hypothesis: s.hypothesis } : task === 'qa' ? { question: s.text, answer: s.answer, wrong: s.wrong } : s.text)));
  const fields = { count: String(count), label: group, subject: group, examples };
  const messages = [
    { role: 'system' as const, content: fillTemplate(p.system, fields) },
    { role: 'user' as const, content: fillTemplate(p.user, fields) },
  ];
  const source = `generator:${gen.id}`;
  const id = (i: number) => `${task}/${group}#gen${i + 1}`;
  let items: TaskItem[];
  if (task === 'sentiment') {
    const v = await gen.json(messages, answers.sentiment);
    items = v.items.map((text, i) => ({ task, id: id(i), group, text, answer: group, source }));
  } else if (task === 'nli') {
    const v = await gen.json(messages, answers.nli);
    items = v.items.map((x, i) => ({ task, id: id(i), group, text: x.premise, hypothesis: x.hypothesis, answer: group, source }));
  } else {
    const v = await gen.json(messages, answers.qa);
    items = v.items.map((x, i) => ({ task, id: id(i), group, text: x.question, answer: x.answer, wrong: x.wrong, source }));
  }
  return items.filter(usable).slice(0, count);
}

/** `perGroup` new items for each group of each chosen task; failed groups are logged and skipped. */
export async function generateItems(gen: Generator, tasks: TaskId[], files: Record<TaskId, TaskFile>, perGroup: number, log: (m: string) => void): Promise<TaskItem[]> {
  const out: TaskItem[] = [];
  if (perGroup <= 0) return out;
  for (const task of tasks) {
    for (const group of groupsOf(task, files[task])) {
      try {
        out.push(...await generateGroup(gen, task, files[task], group, perGroup));
      } catch (e) {
        if (!(e instanceof JsonCallError)) throw e;
        log(`generator: skipped robustness ${task} group ${group}: ${e.message}`);
      }
    }
  }
  return out;
}
