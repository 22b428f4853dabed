// Which steps run fused with their neighbours (see recipe-compiler.ts, "Fused steps"), without the step
// registry: the functions that run a fused group decide it too and bundle no schema. Each type's rule is its
// registry entry's `fusable` (the same function, from its runtime.ts; a unit test holds the two tables alike).
import type { Step } from '../recipes/recipe-schema';
import { fusable as score } from './score/runtime';
import { fusable as state } from './state/runtime';
import { fusable as transform } from './transform/runtime';
import type { StepConfig } from './types';

export const fusableTypes: Record<string, (step: StepConfig) => boolean> = { transform, score, state };

/** Fusable: the type says so, and nothing about the step needs a state of its own. */
export function isFusable(step: Step): boolean {
  const config = step as unknown as StepConfig;
  return (
    !config.retry &&
    typeof config.onError !== 'object' &&
    Object.hasOwn(fusableTypes, step.type) &&
    fusableTypes[step.type]!(config)
  );
}
