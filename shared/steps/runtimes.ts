// What the functions that run, start or settle steps need to know of each step type, without the step registry
// (and so without any schema): its price, and whether a step of it fuses with its neighbours (see
// recipe-compiler.ts, "Fused steps"). Each is its registry entry's own constant, from the type's runtime.ts; a
// unit test holds this table alike to the registry.
import type { Step } from '../recipes/recipe-schema';
import * as ai from './ai/runtime';
import * as branch from './branch/runtime';
import * as correspond from './correspond/runtime';
import * as http from './http/runtime';
import * as map from './map/runtime';
import * as review from './review/runtime';
import * as score from './score/runtime';
import * as state from './state/runtime';
import * as transform from './transform/runtime';
import type { StepConfig } from './types';
import * as wait from './wait/runtime';

interface StepRuntime {
  price: number;
  fusable?: (step: StepConfig) => boolean;
}

/** Each step type's runtime.ts, by type. */
export const stepRuntimes: Record<string, StepRuntime> = {
  http,
  ai,
  transform,
  score,
  state,
  correspond,
  review,
  branch,
  wait,
  map,
};

/** Credits per attempt of a step of each type (inside a map, per item). */
export const stepPrices: Record<string, number> = Object.fromEntries(
  Object.entries(stepRuntimes).map(([type, runtime]) => [type, runtime.price]),
);

/** Fusable: the type says so, and nothing about the step needs a state of its own. */
export function isFusable(step: Step): boolean {
  const config = step as unknown as StepConfig;
  return (
    !config.retry &&
    typeof config.onError !== 'object' &&
    Object.hasOwn(stepRuntimes, step.type) &&
    stepRuntimes[step.type]!.fusable?.(config) === true
  );
}
