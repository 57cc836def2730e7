import type { Case } from '../core/case.js';
import type { Generator } from '../engine/generator.js';
import type { Rng } from '../util/rng.js';

/** A deterministic text perturbation: a pure function of the text and the rng. It changes the wording, never the task. */
export interface Perturbation {
  id: string;
  name: string;
  description: string;
  apply(text: string, rng: Rng): string;
}

/**
 * A contextual variation of a whole case (paraphrase, format conversion, persona, translation...).
 * Returns the varied case (new id, the variation appended to provenance.variations) or null when it
 * does not apply to this case (e.g. converting a case with no expected answer).
 */
export interface Variator {
  id: string;
  name: string;
  description: string;
  /** True when it needs a generator model; such variators are skipped (and say so) without one. */
  needsGenerator: boolean;
  apply(c: Case, rng: Rng, generator?: Generator): Promise<Case | null>;
}
