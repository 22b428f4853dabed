// Shared shape of a component Lambda: the Task state's Payload in, `{ output }` out; or, for a fused group of
// steps (the type's step with fusable neighbours), the group in and the run's state out.
import middy from '@middy/core';
import { type GroupEvent, isGroupEvent, runGroup } from '../components/group-runner';
import { type BatchEvent, isBatchEvent, runBatch } from '../components/map-batch';
import { type Component, runStep, type StepEvent } from '../components/step-runner';
import { getDeps } from '../deps';
import { observed } from '../observability/observability';
import type { Step } from '../recipes/recipe-schema';
import { fusedComponents } from './fused-components';

export function componentHandler<S extends Step>(component: Component<S>) {
  return middy<StepEvent<S> | GroupEvent | BatchEvent, unknown>()
    .use(observed())
    .handler((event) => {
      if (!isGroupEvent(event) && !isBatchEvent(event)) return runStep(getDeps(), event, component);
      // A fused group, or a batch of a map's items: this type's step with fusable neighbours.
      const own = event.group.find((step) => !(step.type in fusedComponents));
      const components = (own ? { ...fusedComponents, [own.type]: component } : fusedComponents) as Record<
        string,
        Component<never>
      >;
      return isBatchEvent(event)
        ? runBatch(getDeps(), event, components)
        : runGroup(getDeps(), event, components);
    });
}
