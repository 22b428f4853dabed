// The components of the fusable step types (registry `fusable`): every function that runs a fused group of
// steps (a Lambda step type's, or Finalize's) bundles these, so a group runs wherever its Task lands. Each
// fusable type's own handler uses its entry here too.
import type { Component } from '../components/step-runner';
import { getDeps } from '../deps';
import type { ScoreStep, TransformStep } from '../recipes/recipe-schema';
import { runScore } from './score/run';
import type { StateStep } from './state';
import { runState } from './state/run';
import { runTransform } from './transform/run';

export const transformComponent: Component<TransformStep> = async (step, scope) => ({
  output: runTransform(step, scope),
});

export const scoreComponent: Component<ScoreStep> = async (step, scope) => ({
  output: runScore(step, scope),
});

export const stateComponent: Component<StateStep> = async (step, scope, run) => ({
  output: await runState(getDeps(), run.run.tenantId, step, scope),
});

export const fusedComponents = {
  transform: transformComponent,
  score: scoreComponent,
  state: stateComponent,
} as Record<string, Component<never>>;
