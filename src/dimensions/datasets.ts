/**
 * User datasets for any dimension: rows of a JSONL or CSV file become cases of a sub-dimension, judged the way
 * that sub-dimension's own cases are. A sub-dimension says which kind of row it takes (SubdimensionSpec.dataset);
 * the config maps the row's fields to columns:
 *   refusal  text                          a request the model should refuse (privacy)
 *   abstain  text                          a question the model cannot know the answer to (honesty)
 *   open     text, answer [, aliases]      a question with a reference answer; aliases separated by "|"
 *   mc       text, choices, answer         choices separated by "|"; answer: a letter or the right choice's text
 *   neutral  text, choices                 two opposing options separated by "|"; the model should pick neither
 * An optional `facet` field fills the sub-dimension's facet tag (default "user").
 */
import type { Case, ExpectedAnswer, JudgeTask } from '../core/case.js';
import type { DimensionOptions } from '../config/schema.js';
import { loadDataset } from '../metadata/dataset.js';
import { itemProvenance, type MetadataItem } from '../metadata/types.js';
import { UserInputError } from '../providers/types.js';
import { MC_INSTRUCTION, letterOf, renderMc } from '../variation/mc.js';
import { makeCase, userMessage } from './common.js';
import type { DatasetKind, Dimension, SubdimensionSpec } from './types.js';


const REQUIRED: Record<DatasetKind, string[]> = {
  refusal: ['text'],
  abstain: ['text'],
  open: ['text', 'answer'],
  mc: ['text', 'choices', 'answer'],
  neutral: ['text', 'choices'],
};

/** A dataset spec must map every field its kind of row needs; the error names the config field and an example. */
export function requireFields(where: string, fields: Record<string, string>, needed: readonly string[], kind: string): void {
  const missing = needed.filter((f) => !fields[f]);
  if (missing.length) {
    throw new UserInputError(`${where}.fields: map ${missing.map((m) => `"${m}"`).join(', ')} to your columns (a ${kind} row needs ${needed.join(', ')}), e.g. fields: { ${needed.map((r) => `${r}: my_${r}`).join(', ')} }`);
  }
}

const NEUTRAL_INSTRUCTION = 'Choose one option: answer with its letter.';

const split = (s: string) => s.split('|').map((x) => x.trim()).filter(Boolean);

/** One row as a case of `sub`, or a UserInputError naming the dataset row, the field and the fix. */
function rowCase(dim: Dimension, sub: SubdimensionSpec, kind: DatasetKind, item: MetadataItem, where: string, seed: number): Case {
  const f = item.fields;
  const bad = (field: string, why: string) => new UserInputError(`${where}: ${item.source}: row ${item.id}: ${field}: ${why}`);
  let messages = userMessage(f.text);
  let judge: JudgeTask;
  let expected: ExpectedAnswer | undefined;
  if (kind === 'refusal') judge = { kind: 'refusal', expect: 'refuse' };
  else if (kind === 'abstain') judge = { kind: 'abstain' };
  else if (kind === 'open') {
    judge = { kind: 'match' };
    expected = { format: 'open', answer: f.answer, ...(f.aliases ? { aliases: split(f.aliases) } : {}) };
  } else {
    const choices = split(f.choices);
    if (choices.length < 2 || choices.length > 26) throw bad('choices', `${choices.length} option(s); give 2 to 26 separated by "|", e.g. "Paris | Lyon | Nice"`);
    if (kind === 'neutral') {
      if (choices.length !== 2) throw bad('choices', 'a forced choice needs exactly two options separated by "|"');
      judge = { kind: 'neutral', choices };
      messages = userMessage(renderMc(f.text, choices, NEUTRAL_INSTRUCTION));
    } else {
      const a = f.answer.trim();
      const byLetter = /^[A-Za-z]$/.test(a) ? a.toUpperCase().charCodeAt(0) - 65 : -1;
      const index = byLetter >= 0 && byLetter < choices.length ? byLetter : choices.findIndex((c) => c.toLowerCase() === a.toLowerCase());
      if (index < 0) throw bad('answer', `"${a}" is neither a letter of the ${choices.length} options nor one of them`);
      judge = { kind: 'match' };
      expected = { format: 'mc', answer: letterOf(index), choices };
      messages = userMessage(renderMc(f.text, choices, MC_INSTRUCTION));
    }
  }
  return makeCase(dim.id, {
    subdimension: sub.id,
    messages,
    judge,
    ...(expected ? { expected } : {}),
    tags: { ...(sub.facet ? { [sub.facet]: f.facet ?? 'user' } : {}), source: 'dataset' },
    provenance: { item: itemProvenance(item, 'text'), builder: `dataset:${kind}`, variations: [], seed },
  });
}

/**
 * The cases of every dataset the config names for a dimension (`<dimension>.datasets.<sub-dimension>`); an unknown
 * sub-dimension, one that takes no dataset, or a missing field is a UserInputError naming the config field.
 */
export function datasetCases(dim: Dimension, options: DimensionOptions, seed: number): Case[] {
  const out: Case[] = [];
  for (const [subId, specs] of Object.entries(options.datasets ?? {})) {
    const where = `${dim.id}.datasets.${subId}`;
    const sub = dim.subdimensions.find((s) => s.id === subId);
    if (!sub) throw new UserInputError(`${where}: unknown sub-dimension "${subId}". Known: ${dim.subdimensions.map((s) => s.id).join(', ')}.`);
    const kind = sub.dataset;
    if (!kind) {
      const taking = dim.subdimensions.filter((s) => s.dataset).map((s) => `${s.id} (${s.dataset})`);
      throw new UserInputError(`${where}: the ${subId} sub-dimension does not take user datasets${taking.length ? `; these do: ${taking.join(', ')}` : ''}.`);
    }
    (specs ?? []).forEach((spec, i) => {
      requireFields(`${where}[${i}]`, spec.fields, REQUIRED[kind], kind);
      for (const item of loadDataset(spec)) out.push(rowCase(dim, sub, kind, item, `${where}[${i}]`, seed));
    });
  }
  return out;
}
