// `map`: runs nested steps once per item of a list, with `item` in their templates: an inline Map state over a
// list in the state, or a Distributed Map over an artifact (or a list too large for the state) whose results
// become a new artifact.
import * as z from 'zod/mini';
import { base, type onErrorSchema, type RetryPolicy } from '../base';
import { stepSchema } from '../step-schema';
import type { StepTypeDefinition } from '../types';
import { compile } from './compile';
import { DEFAULT_MAP_ITEMS, MAX_ARTIFACT_MAP_ITEMS, MAX_MAP_ITEMS, mapsOverArtifact } from './items';
import { defaults, kind, pauses, price, worstCaseSeconds } from './runtime';

export { DEFAULT_MAP_ITEMS, MAX_MAP_ITEMS, mapsOverArtifact };

export const mapStepSchema = z.strictObject({
  ...base,
  type: z.literal('map'),
  items: z.string().check(z.minLength(1)),
  maxConcurrency: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(1000)), 4),
  maxItems: z._default(
    z.number().check(z.int(), z.minimum(1), z.maximum(MAX_ARTIFACT_MAP_ITEMS)),
    DEFAULT_MAP_ITEMS,
  ),
  // A map over an artifact only (recipe-validation.ts refuses them on an inline map).
  toleratedFailurePercent: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  toleratedFailureCount: z.optional(
    z.number().check(z.int(), z.minimum(0), z.maximum(MAX_ARTIFACT_MAP_ITEMS)),
  ),
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  // Typed loosely here (any step, maps included) to keep the types of the registry and the union acyclic.
  steps: z.array(z.lazy((): z.ZodMiniType => stepSchema as z.ZodMiniType)).check(z.minLength(1)),
});

export const map = {
  type: 'map',
  description:
    'Runs its nested `steps` once per item of `items` (a template naming a list), `maxConcurrency` at a time; credits are reserved for `maxItems` items. Over an artifact (`{{input.artifact}}`, an artifact id) it reads the items from the file (CSV, JSON array, JSON Lines) and writes one result line per item to a new artifact.',
  kind,
  schema: mapStepSchema,
  example: {
    id: 'each',
    type: 'map',
    items: '{{input.domains}}',
    maxItems: 50,
    steps: [{ id: 'lookup', type: 'http', url: 'https://directory.example/companies/{{item}}' }],
  },
  price,
  defaults,
  pauses,
  worstCaseSeconds,
  compile,
} as const satisfies StepTypeDefinition<'map'>;

/** A map step: its nested steps are any steps, maps included, so its type is written out. */
export interface MapStep {
  id: string;
  type: 'map';
  items: string;
  maxConcurrency: number;
  /** The most items a run may map over: credits are reserved for them, and more fail the run. */
  maxItems: number;
  /** A map over an artifact: the failed items it tolerates, and the items per child execution. */
  toleratedFailurePercent?: number;
  toleratedFailureCount?: number;
  batchSize?: number;
  steps: import('../step-schema').Step[];
  retry?: RetryPolicy;
  timeoutSeconds?: number;
  onError?: z.infer<typeof onErrorSchema>;
}
