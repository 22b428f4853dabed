// The schema of any step: the registry's schemas, told apart by `type`.
import * as z from 'zod/mini';
import type { MapStep } from './map';
import { type StepType, stepTypes } from './registry';

type Schemas = typeof stepTypes;
/** A step of any registered type, as parsed (defaults applied). */
export type Step =
  | { [K in Exclude<StepType, 'map'>]: z.output<Schemas[K]['schema']> }[Exclude<StepType, 'map'>]
  | MapStep;

export const stepSchema: z.ZodMiniType<Step, unknown> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    Object.values(stepTypes).map((definition) => definition.schema) as unknown as [
      z.ZodMiniObject,
      ...z.ZodMiniObject[],
    ],
  ),
) as unknown as z.ZodMiniType<Step, unknown>;
