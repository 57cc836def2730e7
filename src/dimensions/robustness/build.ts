/**
 * Cases of the robustness dimension: for each task item, one base case and one variant per perturbation.
 * A variant differs from its base only in the perturbed text (the review, the premise, the question);
 * the instruction, the fixed parts of the task, the options and their order are the same, so the answer read
 * from both can be compared (the 'agreement' metric).
 */
import type { Case, ExpectedAnswer } from '../../core/case.js';
import type { Rng } from '../../util/rng.js';
import { PERTURBATION_IDS, perturb, type PerturbationId } from '../../variation/perturbations.js';
import { makeCase, userMessage } from '../common.js';
import { PAIR_TAG, ROLE_TAG } from '../types.js';
import { DIMENSION_ID, type TaskFile, type TaskItem } from './data.js';

const LETTERS = 'ABCD';

/** The tries at a perturbation that leaves the text unchanged before the variant is left out. */
const TRIES = 4;

/** The fixed parts of a task built around the (perturbed) text, and the right answer. */
interface Rendered { prompt: string; expected: ExpectedAnswer }

/**
 * The prompt and expected answer of an item around `text`. The option order of a question is drawn from
 * `order` (forked by item, so the base and its variants show the same order).
 */
export function renderTask(item: TaskItem, file: TaskFile, text: string, order: Rng): Rendered {
  switch (item.task) {
    case 'sentiment':
      return { prompt: `${file.instruction}\n\nReview: ${text}`, expected: { format: 'label', answer: item.answer, choices: file.labels } };
    case 'nli':
      return { prompt: `${file.instruction}\n\nPremise: ${text}\nHypothesis: ${item.hypothesis ?? ''}`, expected: { format: 'label', answer: item.answer, choices: file.labels } };
    case 'qa': {
      const options = order.shuffle([item.answer, ...(item.wrong ?? [])]);
      const lines = options.map((o, i) => `${LETTERS[i]}) ${o}`).join('\n');
      return { prompt: `${file.instruction}\n\nQuestion: ${text}\n${lines}`, expected: { format: 'mc', answer: LETTERS[options.indexOf(item.answer)], choices: options } };
    }
  }
}

/** The perturbed text, seeded by item and perturbation; undefined when the perturbation cannot change it. */
export function perturbedText(item: TaskItem, id: PerturbationId, rng: Rng): string | undefined {
  for (let k = 0; k < TRIES; k++) {
    const out = perturb(id, item.text, rng.fork(`${item.id}:${id}:${k}`));
    if (out !== item.text) return out;
  }
  return undefined;
}

export interface GroupOptions {
  seed: number;
  rng: Rng;
  /** 'template:robustness' or the generator that wrote the item. */
  builder: string;
  log(message: string): void;
}

/** The base case of an item and its 13 perturbed variants (fewer only when a perturbation cannot apply). */
export function buildGroup(item: TaskItem, file: TaskFile, opts: GroupOptions): Case[] {
  const order = () => opts.rng.fork(`order:${item.id}`);
  const base = renderTask(item, file, item.text, order());
  const provenance = (variations: string[]) => ({
    item: { pool: `${DIMENSION_ID}/${item.task}`, id: item.id, text: item.text, source: item.source },
    builder: opts.builder, variations, seed: opts.seed,
  });
  const tags = { [PAIR_TAG]: item.id, task: item.task, group: item.group };
  const cases: Case[] = [makeCase(DIMENSION_ID, {
    subdimension: item.task,
    messages: userMessage(base.prompt),
    judge: { kind: 'match' },
    expected: base.expected,
    tags: { ...tags, [ROLE_TAG]: 'base' },
    provenance: provenance([]),
  })];
  for (const id of PERTURBATION_IDS) {
    const text = perturbedText(item, id, opts.rng);
    if (text === undefined) {
      opts.log(`robustness: ${id} leaves ${item.id} unchanged; its variant is left out`);
      continue;
    }
    const v = renderTask(item, file, text, order());
    cases.push(makeCase(DIMENSION_ID, {
      subdimension: item.task,
      messages: userMessage(v.prompt),
      judge: { kind: 'match' },
      expected: v.expected,
      tags: { ...tags, [ROLE_TAG]: 'variant', perturbation: id },
      provenance: provenance([`perturb:${id}`]),
    }));
  }
  return cases;
}
