/**
 * Your own robustness items: rows of a JSONL or CSV file become base items of a task, each asked as written and
 * after every perturbation like the built-in ones (`robustness.datasets.<task>` in the config).
 *   sentiment  text, label                 label: one of the task's labels (POSITIVE, NEGATIVE)
 *   nli        text (the premise), hypothesis, label (ENTAILMENT, CONTRADICTION, NEUTRAL)
 *   qa         text (the question), answer, wrong (three wrong options separated by "|")
 */
import type { DimensionOptions } from '../../config/schema.js';
import { loadDataset } from '../../metadata/dataset.js';
import { UserInputError } from '../../providers/types.js';
import { requireFields } from '../datasets.js';
import type { TaskFile, TaskId, TaskItem } from './data.js';

const FIELDS: Record<TaskId, string[]> = { sentiment: ['text', 'label'], nli: ['text', 'hypothesis', 'label'], qa: ['text', 'answer', 'wrong'] };

/** The dataset items of every task named under `robustness.datasets`, validated row by row. */
export function datasetItems(options: DimensionOptions, files: Record<TaskId, TaskFile>): TaskItem[] {
  const out: TaskItem[] = [];
  for (const [task, specs] of Object.entries(options.datasets ?? {})) {
    const where = `robustness.datasets.${task}`;
    if (!Object.hasOwn(FIELDS, task)) throw new UserInputError(`${where}: unknown task "${task}". Known: ${Object.keys(FIELDS).join(', ')}.`);
    const t = task as TaskId;
    (specs ?? []).forEach((spec, i) => {
      requireFields(`${where}[${i}]`, spec.fields, FIELDS[t], t);
      for (const item of loadDataset(spec)) {
        const f = item.fields;
        const bad = (field: string, why: string) => new UserInputError(`${where}[${i}]: ${item.source}: row ${item.id}: ${field}: ${why}`);
        const base = { task: t, id: `${item.pool}:${item.id}`, text: f.text, source: item.source };
        if (t === 'qa') {
          const wrong = f.wrong.split('|').map((w) => w.trim()).filter(Boolean);
          if (wrong.length !== 3) throw bad('wrong', `${wrong.length} wrong option(s); give three separated by "|"`);
          out.push({ ...base, group: 'user', answer: f.answer, wrong });
        } else {
          const label = files[t].labels.find((l) => l.toLowerCase() === f.label.trim().toLowerCase());
          if (!label) throw bad('label', `"${f.label}" is not one of ${files[t].labels.join(', ')}`);
          out.push({ ...base, group: label, answer: label, ...(t === 'nli' ? { hypothesis: f.hypothesis } : {}) });
        }
      }
    });
  }
  return out;
}
