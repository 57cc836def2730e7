/** Contextual variation and text perturbation of test cases (the "vary" stage). */
export type { Perturbation, Variator } from './types.js';
export { PERTURBATIONS, PERTURBATION_IDS, perturb, isPerturbationId, type PerturbationId } from './perturbations.js';
export { VARIATORS, VARIATOR_IDS, VARIATOR_GROUPS, getVariator, expandVariatorIds } from './variators.js';
export { applyVariation, planVariators, VariationPlanSchema, VariationConfigSchema, DEFAULT_KEEP_ORIGINAL, type VariationPlan } from './plan.js';
export { renderMc, parseMc, MC_INSTRUCTION, type ParsedMc } from './mc.js';
export { tfQuestion, tfStatement, FORMAT_VARIATORS } from './format.js';
export { createTranslationVariator, perturbationVariator, DEFAULT_LANGUAGES } from './contextual.js';
export { deriveCase, lastUserText, withLastUserText } from './case-edit.js';
