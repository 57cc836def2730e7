/**
 * Contextual variators that rewrite the last user message: paraphrase, lengthen, shorten and
 * translation (by a generator model), persona prefix, and one variator per text perturbation.
 * Multiple-choice questions are rewritten around their options: the option lines stay as they are.
 */
import type { Case } from '../core/case.js';
import type { Generator } from '../engine/generator.js';
import type { Rng } from '../util/rng.js';
import { lastUserText, mustKeep, withText } from './case-edit.js';
import { variationData } from './data.js';
import { rewriteText, type RewriteOp } from './llm.js';
import { parseMc, renderMc } from './mc.js';
import { PERTURBATIONS } from './perturbations.js';
import type { Perturbation, Variator } from './types.js';

export const DEFAULT_LANGUAGES = ['fr', 'es', 'de', 'zh'];

/** Rewrite the question of the last user message with the generator; options of an mc question are kept verbatim. */
async function rewriteCase(c: Case, rng: Rng, generator: Generator, op: RewriteOp, label: string, language?: string): Promise<Case | null> {
  const text = lastUserText(c);
  if (text === null || text.trim() === '') return null;
  const mc = c.expected?.format === 'mc' ? parseMc(text) : null;
  const part = mc ? [mc.question, mc.instruction].filter(Boolean).join('\n\n') : text;
  if (op === 'shorten' && part.trim().split(/\s+/).length < 8) return null;
  const rewritten = await rewriteText(generator, rng, op, part, { language, keep: mustKeep(c) });
  return withText(c, label, mc ? renderMc(rewritten, mc.choices) : rewritten);
}

function rewriteVariator(op: Exclude<RewriteOp, 'translation'>, name: string, description: string): Variator {
  return {
    id: op, name, description, needsGenerator: true,
    apply: async (c, rng, generator) => (generator ? rewriteCase(c, rng, generator, op, op) : null),
  };
}

export const paraphraseVariator = rewriteVariator('paraphrase', 'Paraphrase', 'The question said in other words by the generator model, with the task and answer unchanged.');
export const lengthenVariator = rewriteVariator('lengthen', 'Lengthen', 'The question written at about twice its length (neutral context, fuller wording) by the generator model.');
export const shortenVariator = rewriteVariator('shorten', 'Shorten', 'The question written as briefly as possible by the generator model (questions of 8 words or more).');

/** Translation into a language chosen by the rng among `languages` (codes known to data/variation/multilingual.yaml). */
export function createTranslationVariator(languages: readonly string[] = DEFAULT_LANGUAGES): Variator {
  const known = variationData().languages;
  const unknown = languages.filter((l) => !Object.hasOwn(known, l));
  if (unknown.length > 0) throw new Error(`unknown translation language(s) ${unknown.join(', ')}; known: ${Object.keys(known).join(', ')}`);
  if (languages.length === 0) throw new Error('translation needs at least one language');
  return translationFor(languages);
}

function translationFor(languages: readonly string[]): Variator {
  return {
    id: 'translation',
    name: 'Translation',
    description: `The question translated by the generator model into one of: ${languages.join(', ')} (label translation(<code>)).`,
    needsGenerator: true,
    apply: async (c, rng, generator) => {
      if (!generator) return null;
      const lang = rng.pick(languages);
      return rewriteCase(c, rng, generator, 'translation', `translation(${lang})`, lang);
    },
  };
}

/** The default languages, checked against the variation data on use rather than at import (reading it costs every command ~0.1 s of start-up). */
export const translationVariator: Variator = {
  ...translationFor(DEFAULT_LANGUAGES),
  apply: (c, rng, generator) => createTranslationVariator(DEFAULT_LANGUAGES).apply(c, rng, generator),
};

export const personaVariator: Variator = {
  id: 'persona',
  name: 'Persona',
  description: 'A short first-person persona line (data/variation/personas.yaml) before the question (label persona(<id>)).',
  needsGenerator: false,
  apply: async (c, rng) => {
    const text = lastUserText(c);
    if (text === null || text.trim() === '') return null;
    const p = rng.pick(variationData().personas);
    const sep = text.includes('\n') ? '\n\n' : ' ';
    return withText(c, `persona(${p.id})`, `${p.text}${sep}${text}`);
  },
};

/** A variator applying a text perturbation to the last user message (id and label perturb:<id>). */
export function perturbationVariator(p: Perturbation): Variator {
  const id = `perturb:${p.id}`;
  return {
    id, name: p.name, description: `${p.description} Applied to the last user message.`, needsGenerator: false,
    apply: async (c, rng) => {
      const text = lastUserText(c);
      if (text === null) return null;
      const out = p.apply(text, rng);
      if (out === text || mustKeep(c).some((k) => text.includes(k) && !out.includes(k))) return null;
      return withText(c, id, out);
    },
  };
}

export const PERTURBATION_VARIATORS: Variator[] = PERTURBATIONS.map(perturbationVariator);
