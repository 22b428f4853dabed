// What the functions that run, start, settle or compile steps need to know of each step type, without the step
// registry (and so without any schema): its kind, defaults, price, whether a step of it fuses with its neighbours
// (see recipe-compiler.ts, "Fused steps"), pauses, and how long it may take. Each is its registry entry's own
// constant, from the type's runtime.ts (its states are in compilers.ts); a unit test holds this table alike to
// the registry.
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
import type { StepConfig, StepTypeDefinition } from './types';
import * as wait from './wait/runtime';

type StepRuntime = Pick<
  StepTypeDefinition,
  'kind' | 'defaults' | 'price' | 'fusable' | 'pauses' | 'worstCaseSeconds'
>;

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

export function stepRuntimeOf(type: string): StepRuntime | undefined {
  return Object.hasOwn(stepRuntimes, type) ? stepRuntimes[type] : undefined;
}

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
    stepRuntimeOf(step.type)?.fusable?.(config) === true
  );
}
