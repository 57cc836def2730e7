import { UserInputError } from '../providers/types.js';
import { truthfulnessDimension } from './truthfulness/index.js';
import { safetyDimension } from './safety/index.js';
import { fairnessDimension } from './fairness/index.js';
import { robustnessDimension } from './robustness/index.js';
import { privacyDimension } from './privacy/index.js';
import { ethicsDimension } from './ethics/index.js';
import { advancedAiRiskDimension } from './advanced-ai-risk/index.js';
import type { Dimension } from './types.js';

/** Every dimension trustgen knows. Adding one means adding it here; the engine needs no change. */
const DIMENSIONS: Dimension[] = [truthfulnessDimension, safetyDimension, fairnessDimension, robustnessDimension, privacyDimension, ethicsDimension, advancedAiRiskDimension];

export function allDimensions(): Dimension[] {
  return DIMENSIONS;
}

export function getDimensions(ids: string[] | undefined): Dimension[] {
  if (!ids || ids.length === 0) return DIMENSIONS;
  return ids.map((id) => {
    const d = DIMENSIONS.find((x) => x.id === id.trim());
    if (!d) throw new UserInputError(`Unknown dimension "${id}". Known: ${DIMENSIONS.map((x) => x.id).join(', ')} (see \`trustgen list dimensions\`).`);
    return d;
  });
}
