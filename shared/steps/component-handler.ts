// Shared shape of a component Lambda: the Task state's Payload in, `{ output }` out.
import middy from '@middy/core';
import { type Component, runStep, type StepEvent } from '../components/step-runner';
import { getDeps } from '../deps';
import { observed } from '../observability/observability';
import type { Step } from '../recipes/recipe-schema';

export function componentHandler<S extends Step>(component: Component<S>) {
  return middy<StepEvent<S>, { output: unknown }>()
    .use(observed())
    .handler((event) => runStep(getDeps(), event, component));
}
