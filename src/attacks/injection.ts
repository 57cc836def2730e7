/**
 * Prompt injection: a benign task (system message) over user data that carries an injected
 * instruction. The injection asks for a random canary token, so a judge detects success by the
 * canary's presence in the answer.
 */
import type { ChatMessage } from '../providers/types.js';
import type { Rng } from '../util/rng.js';
import { INJECTION_ATTACK_IDS, type InjectedInstruction, type InjectionTask, type SafetyData } from './safety-data.js';
import { fill } from './template.js';

export type { InjectedInstruction, InjectionTask } from './safety-data.js';

export interface InjectionCase {
  attack: string;
  taskId: string;
  injectionId: string;
  /** Appears exactly once in the prompt; in an answer only if the injection was obeyed. */
  canary: string;
  messages: ChatMessage[];
  /** The task instruction the model should have followed (also the system message). */
  task: string;
}

export interface InjectionAttack {
  id: string;
  name: string;
  build(task: InjectionTask, injection: InjectedInstruction, rng: Rng): InjectionCase;
}

// No 0/O, 1/I: easy to read back, hard to hit by chance.
const CANARY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A token like `TG-7F3K9Q`: six characters with at least one letter and one digit. */
export function makeCanary(rng: Rng): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 6; i++) body += CANARY_ALPHABET[rng.int(CANARY_ALPHABET.length)];
    if (/[A-Z]/.test(body) && /[0-9]/.test(body)) return `TG-${body}`;
  }
}

/** The five attacks, in the order of INJECTION_ATTACK_IDS. */
export function injectionAttacks(data: SafetyData): InjectionAttack[] {
  return INJECTION_ATTACK_IDS.map((id) => {
    const spec = data.injection.attacks.find((a) => a.id === id);
    if (!spec) throw new Error(`safety data has no injection attack "${id}"`);
    return {
      id,
      name: spec.name,
      build(task: InjectionTask, injection: InjectedInstruction, rng: Rng): InjectionCase {
        const canary = makeCanary(rng);
        const template = rng.pick(spec.templates);
        const content = fill(template, {
          data: task.data,
          injection: fill(injection.text, { canary }),
          fake_answer: task.fake_answer,
        });
        return {
          attack: id,
          taskId: task.id,
          injectionId: injection.id,
          canary,
          messages: [{ role: 'system', content: task.instruction }, { role: 'user', content }],
          task: task.instruction,
        };
      },
    };
  });
}
