/**
 * With --generator: new machine-ethics items per seed group (label, setting, theory or region), each written
 * with its answer as JSON and validated against the item schema. Items whose answer disagrees with the group
 * asked for, or that repeat a seed, are dropped; a failed generation is logged and skipped.
 */
import { z } from 'zod';
import { JsonCallError } from '../../engine/json-call.js';
import { loadGeneratorPrompts, type Generator, type GeneratorPrompts } from '../../engine/generator.js';
import { fillTemplate } from '../../judges/rubric.js';
import type { Sourced, TheoryItem } from './build.js';
import { distinctOptions, ITEM_FIELDS, type ActionItem, type CustomItem, type EthicsData, type MoralChoiceItem, type NormItem } from './data.js';

export interface EthicsPools {
  action_judgement: Sourced<ActionItem>[];
  moral_choice: Sourced<MoralChoiceItem>[];
  ethical_theories: Sourced<TheoryItem>[];
  social_norms: Sourced<NormItem>[];
  cultural_knowledge: Sourced<CustomItem>[];
}

export const emptyPools = (): EthicsPools => ({ action_judgement: [], moral_choice: [], ethical_theories: [], social_norms: [], cultural_knowledge: [] });

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const distinct = <T>(xs: T[]) => [...new Set(xs)];

interface Ask<T> { promptId: string; group: string; examples: unknown[]; schema: z.ZodType<T>; keep?: (t: T) => boolean; text: (t: T) => string }

export async function generateEthicsItems(gen: Generator, data: EthicsData, subs: string[], count: number, log: (m: string) => void): Promise<EthicsPools> {
  const prompts = loadGeneratorPrompts('ethics');
  const out = emptyPools();
  const origin = (pool: string) => ({ pool: `ethics/${pool}`, source: `generator:${gen.id}`, builder: `generator:${gen.id}` });
  const seen = new Set<string>([
    ...data.actions.map((a) => a.action), ...data.choices.map((c) => c.scenario), ...data.norms.map((n) => n.action), ...data.customs.map((c) => c.question),
    ...data.theories.deontology.map((d) => d.excuse), ...data.theories.justice.map((j) => j.claim), ...data.theories.virtue.map((v) => v.behaviour), ...data.theories.utilitarianism.map((u) => u.better),
  ].map((t) => t.trim().toLowerCase()));

  async function ask<T>(a: Ask<T>): Promise<{ id: string; value: T }[]> {
    try {
      const items = await askItems(gen, prompts, a.promptId, { group: a.group, examples: JSON.stringify(a.examples.slice(0, 2)), count: String(count) }, a.schema);
      const kept = items.filter((t) => (a.keep ? a.keep(t) : true)).filter((t) => {
        const key = a.text(t).trim().toLowerCase();
        return !seen.has(key) && seen.add(key);
      }).slice(0, count);
      if (kept.length < items.length) log(`generator: ethics ${a.promptId} (${a.group}): dropped ${items.length - kept.length} item(s) that repeat a seed or disagree with the group asked for`);
      return kept.map((value, i) => ({ id: `gen-${slug(a.group)}-${i + 1}`, value }));
    } catch (e) {
      if (!(e instanceof JsonCallError)) throw e;
      log(`generator: skipped ethics ${a.promptId} (${a.group}): ${e.message}`);
      return [];
    }
  }

  if (subs.includes('action_judgement')) {
    for (const label of ['good', 'neutral', 'bad'] as const) {
      const got = await ask({ promptId: 'action_judgement', group: label, examples: data.actions.filter((x) => x.label === label).map((x) => x.action), schema: ITEM_FIELDS.action, keep: (t) => t.label === label, text: (t) => t.action });
      out.action_judgement.push(...got.map((g) => ({ item: { id: g.id, ...g.value }, origin: origin('actions') })));
    }
  }
  if (subs.includes('moral_choice')) {
    for (const setting of distinct(data.choices.map((c) => c.setting))) {
      const got = await ask({ promptId: 'moral_choice', group: setting, examples: data.choices.filter((c) => c.setting === setting).map(({ scenario, moral, immoral }) => ({ scenario, moral, immoral })), schema: ITEM_FIELDS.moralChoice, text: (t) => t.scenario });
      out.moral_choice.push(...got.map((g) => ({ item: { id: g.id, setting, ...g.value }, origin: origin('moral-choices') })));
    }
  }
  if (subs.includes('ethical_theories')) {
    const th = data.theories;
    const strip = <T extends { id: string }>(xs: T[]) => xs.map(({ id: _id, ...rest }) => rest);
    const add = (theory: TheoryItem['theory'], got: { id: string; value: unknown }[]) =>
      out.ethical_theories.push(...got.map((g) => ({ item: { id: `${theory}/${g.id}`, theory, item: { id: g.id, ...(g.value as object) } } as TheoryItem, origin: origin('theories') })));
    add('deontology', await ask({ promptId: 'deontology', group: 'deontology', examples: strip(th.deontology), schema: ITEM_FIELDS.deontology, text: (t) => t.excuse }));
    add('justice', await ask({ promptId: 'justice', group: 'justice', examples: strip(th.justice), schema: ITEM_FIELDS.justice, text: (t) => t.claim }));
    add('virtue', await ask({ promptId: 'virtue', group: 'virtue', examples: strip(th.virtue), schema: ITEM_FIELDS.virtue, keep: distinctOptions, text: (t) => t.behaviour }));
    add('utilitarianism', await ask({ promptId: 'utilitarianism', group: 'utilitarianism', examples: strip(th.utilitarianism), schema: ITEM_FIELDS.utilitarianism, text: (t) => t.better }));
  }
  if (subs.includes('social_norms')) {
    for (const label of ['acceptable', 'unacceptable'] as const) {
      const got = await ask({ promptId: 'social_norms', group: label, examples: data.norms.filter((n) => n.label === label).map((n) => n.action), schema: ITEM_FIELDS.norm, keep: (t) => t.label === label, text: (t) => t.action });
      out.social_norms.push(...got.map((g) => ({ item: { id: g.id, setting: 'generated', ...g.value }, origin: origin('social-norms') })));
    }
  }
  if (subs.includes('cultural_knowledge')) {
    for (const region of distinct(data.customs.map((c) => c.region))) {
      const got = await ask({ promptId: 'cultural_knowledge', group: region.replace(/_/g, ' '), examples: data.customs.filter((c) => c.region === region).map(({ question, answer, distractors }) => ({ question, answer, distractors })), schema: ITEM_FIELDS.custom, keep: distinctOptions, text: (t) => t.question });
      out.cultural_knowledge.push(...got.map((g) => ({ item: { id: `${g.id}`, region, ...g.value }, origin: origin('cultural') })));
    }
  }
  return out;
}

/** One generator call: the prompt filled with `fields`, the answer validated as {items: [schema]}. */
async function askItems<T>(gen: Generator, prompts: GeneratorPrompts, promptId: string, fields: Record<string, string>, schema: z.ZodType<T>): Promise<T[]> {
  const p = prompts[promptId];
  if (!p) throw new Error(`no generator prompt "${promptId}" in data/generator/ethics.yaml`);
  const answer = await gen.json([
    { role: 'system', content: fillTemplate(p.system, fields) },
    { role: 'user', content: fillTemplate(p.user, fields) },
  ], z.object({ items: z.array(schema).min(1) }));
  return answer.items;
}
