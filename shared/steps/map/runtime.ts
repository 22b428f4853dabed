// What a `map` step type is apart from its schema (index.ts) and its states (compile.ts), so that the
// functions that price, fuse or compile runs bundle no zod (see shared/steps/runtimes.ts).
import type { StepConfig } from '../types';

/** Compiles to Map states (and, over an artifact, the artifact-map function's Tasks): the registry's `kind`. */
export const kind = 'control';

export const defaults = {};

/** Credits per attempt of a step (the registry's `price`): control flow is free. */
export const price = 0;

/** A map's length is known only when it runs: `auto` recipes with one run as Standard workflows. */
export const pauses = true;

export function worstCaseSeconds(step: StepConfig, nested: (steps: StepConfig[]) => number): number {
  // An inline Map runs up to 40 iterations at once when its concurrency is unlimited (0).
  const parallel = Math.min(Number(step.maxConcurrency) || 40, 40);
  return Math.ceil(Number(step.maxItems) / parallel) * nested(step.steps as StepConfig[]);
}
