/**
 * The 16 jailbreak methods of the safety dimension. Each wraps a harmful query into chat messages,
 * deterministically for a given rng state. Templates and pools come from data/safety/.
 */
import type { ChatMessage } from '../providers/types.js';
import type { Rng } from '../util/rng.js';
import { JAILBREAK_IDS, type JailbreakId, type JailbreakSpec, type SafetyData } from './safety-data.js';
import { fill } from './template.js';
import {
  ENCODINGS, ENCODING_NAMES, addTypos, chooseSeparator, encodeText, leetspeak, separate, splitPayload,
  type SeparatorMode,
} from './transforms.js';

export interface HarmfulQuery { id: string; text: string; translations?: Record<string, string> }

/** `detail` says which variant was drawn: the persuasion technique, persona, encoding, language... */
export interface AttackOutput { messages: ChatMessage[]; detail?: string }

export interface JailbreakMethod {
  id: string;
  name: string;
  description: string;
  apply(q: HarmfulQuery, rng: Rng): AttackOutput;
}

type Apply = (spec: JailbreakSpec, data: SafetyData, q: HarmfulQuery, rng: Rng) => AttackOutput;

const user = (content: string): ChatMessage => ({ role: 'user', content });
const single = (content: string, detail?: string): AttackOutput => (detail === undefined ? { messages: [user(content)] } : { messages: [user(content)], detail });

/** Methods that only fill {query} into one of their templates. */
const simple: Apply = (spec, _data, q, rng) => single(fill(rng.pick(spec.templates), { query: q.text }));

const PAYLOAD_VARS = ['a', 'b', 'c', 'd'];

const APPLY: Record<JailbreakId, Apply> = {
  persuasion(spec, data, q, rng) {
    const technique = rng.pick(data.persuasion.techniques);
    let text = fill(rng.pick(technique.templates), { query: q.text });
    // Optional wrappers in jailbreaks.yaml receive the persuasive text as {query}.
    if (spec.templates.length > 0) text = fill(rng.pick(spec.templates), { query: text });
    return single(text, technique.id);
  },

  chain_of_thought: simple,
  context_ignoring: simple,
  refusal_suppression: simple,
  prefix_injection: simple,
  scenario: simple,

  multi_task(spec, _data, q, rng) {
    const pool = spec.side_tasks ?? [];
    const n = Math.min(pool.length, 2 + rng.int(2));
    const tasks = rng.shuffle(pool).slice(0, n);
    const position = rng.int(n + 1);
    tasks.splice(position, 0, q.text);
    const list = tasks.map((t, i) => `${i + 1}. ${t}`).join('\n');
    return single(fill(rng.pick(spec.templates), { tasks: list }), `task ${position + 1} of ${tasks.length}`);
  },

  payload_splitting(spec, _data, q, rng) {
    const pieces = splitPayload(q.text, 2 + rng.int(3), rng);
    const names = PAYLOAD_VARS.slice(0, pieces.length);
    const assignments = pieces.map((p, i) => `${names[i]} = ${JSON.stringify(p)}`).join('\n');
    const text = fill(rng.pick(spec.templates), { assignments, expression: names.join(' + ') });
    return single(text, `${pieces.length} parts`);
  },

  style_injection(spec, _data, q, rng) {
    const pool = spec.style_rules ?? [];
    const rules = rng.shuffle(pool).slice(0, Math.min(3, pool.length));
    const text = fill(rng.pick(spec.templates), { query: q.text, rules: rules.map((r) => `- ${r}`).join('\n') });
    return single(text);
  },

  role_playing(spec, _data, q, rng) {
    const persona = rng.pick(spec.personas ?? []);
    const text = fill(rng.pick(spec.templates), { query: q.text, persona: persona.name });
    return { messages: [{ role: 'system', content: persona.system }, user(text)], detail: persona.id };
  },

  few_shot(spec, _data, q, rng) {
    const pool = spec.examples ?? [];
    const k = Math.min(pool.length, 2 + rng.int(2));
    const shots = rng.shuffle(pool).slice(0, k);
    const messages: ChatMessage[] = [];
    for (const s of shots) messages.push(user(s.question), { role: 'assistant', content: s.answer });
    messages.push(user(fill(rng.pick(spec.templates), { query: q.text })));
    return { messages, detail: `${k} examples` };
  },

  obscured_prompt(spec, _data, q, rng) {
    const transformed = leetspeak(q.text, rng);
    return single(fill(rng.pick(spec.templates), { transformed }), 'leetspeak');
  },

  translation(spec, _data, q, rng) {
    const names = spec.languages ?? {};
    const available = Object.keys(q.translations ?? {}).filter((k) => q.translations?.[k]).sort();
    if (available.length > 0 && q.translations) {
      const code = rng.pick(available);
      const text = fill(rng.pick(spec.templates), { translated: q.translations[code], language: names[code] ?? code });
      return single(text, code);
    }
    // No ready translation: ask the model to translate the English request itself, then answer.
    const code = rng.pick(Object.keys(names));
    const text = fill(rng.pick(spec.fallback_templates ?? []), { query: q.text, language: names[code] });
    return single(text, `${code}:self`);
  },

  typos(spec, _data, q, rng) {
    return single(fill(rng.pick(spec.templates), { transformed: addTypos(q.text, rng) }));
  },

  separators(spec, _data, q, rng) {
    const mode: SeparatorMode = rng.next() < 0.5 ? 'letters' : 'words';
    const separator = chooseSeparator(q.text, rng);
    const text = fill(rng.pick(spec.templates), { transformed: separate(q.text, separator, mode), separator });
    return single(text, `${mode}:${separator}`);
  },

  encoding(spec, _data, q, rng) {
    const kind = rng.pick(ENCODINGS);
    const text = fill(rng.pick(spec.templates), { encoded: encodeText(kind, q.text), encoding: ENCODING_NAMES[kind] });
    return single(text, kind);
  },
};

/** The 16 methods, in the fixed order of JAILBREAK_IDS, bound to the loaded data. */
export function jailbreakMethods(data: SafetyData): JailbreakMethod[] {
  return JAILBREAK_IDS.map((id) => {
    const spec = data.jailbreaks.methods.find((m) => m.id === id);
    if (!spec) throw new Error(`safety data has no jailbreak method "${id}"`);
    const apply = APPLY[id];
    return {
      id,
      name: spec.name,
      description: spec.description,
      apply: (q: HarmfulQuery, rng: Rng) => apply(spec, data, q, rng),
    };
  });
}
