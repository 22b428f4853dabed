// `map`: runs nested steps once per item of a list (an inline Map state), with `item` in their templates.
import * as z from 'zod';
import { jsonPath } from '../../recipes/choice-rules';
import { base, type onErrorSchema, type RetryPolicy } from '../base';
import { stepSchema } from '../step-schema';
import type { StepConfig, StepTypeDefinition } from '../types';

/** A map's item cap when it declares none, and the most an inline map may declare. */
export const DEFAULT_MAP_ITEMS = 100;
export const MAX_MAP_ITEMS = 10_000;

export const mapStepSchema = z
  .object({
    ...base,
    type: z.literal('map'),
    items: z.string().min(1),
    maxConcurrency: z.number().int().min(0).max(1000).default(4),
    maxItems: z.number().int().min(1).max(MAX_MAP_ITEMS).default(DEFAULT_MAP_ITEMS),
    // Typed loosely here (any step, maps included) to keep the types of the registry and the union acyclic.
    steps: z.array(z.lazy((): z.ZodType => stepSchema as z.ZodType)).min(1),
  })
  .strict();

export const map = {
  type: 'map',
  description:
    'Runs its nested `steps` once per item of `items` (a template naming a list), `maxConcurrency` at a time; credits are reserved for `maxItems` items.',
  kind: 'control',
  schema: mapStepSchema,
  example: {
    id: 'each',
    type: 'map',
    items: '{{input.domains}}',
    maxItems: 50,
    steps: [{ id: 'lookup', type: 'http', url: 'https://directory.example/companies/{{item}}' }],
  },
  price: 0,
  defaults: {},
  pauses: true,
  worstCaseSeconds(step, nested) {
    // An inline Map runs up to 40 iterations at once when its concurrency is unlimited (0).
    const parallel = Math.min(Number(step.maxConcurrency) || 40, 40);
    return Math.ceil(Number(step.maxItems) / parallel) * nested(step.steps as StepConfig[]);
  },
  // Each item runs the nested steps with `item` (and its index) beside the run's state; the iteration's
  // result is its last step's output, and the Map's result lands at $.steps.<id>.output.
  compile(step, next, context) {
    const steps = step.steps as StepConfig[];
    const done = `Done_${step.id}`;
    const inner: Record<string, Record<string, unknown>> = {};
    context.sequence(steps, done, inner);
    inner[done] = { Type: 'Pass', OutputPath: `$.steps.${steps.at(-1)!.id}.output`, End: true };
    const items = String(step.items);
    const itemsPath = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(items)?.[1] ?? items;
    const catchers = context.catcher(step);
    return {
      Type: 'Map',
      ItemsPath: jsonPath(itemsPath),
      MaxConcurrency: step.maxConcurrency,
      ItemSelector: {
        'input.$': '$.input',
        'steps.$': '$.steps',
        'settings.$': '$.settings',
        'execution.$': '$.execution',
        'run.$': '$.run',
        'item.$': '$$.Map.Item.Value',
        'index.$': '$$.Map.Item.Index',
        // Credits were reserved for this many items; an item beyond it fails the map (see step-runner).
        maxItems: step.maxItems,
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: steps[0]!.id, States: inner },
      ResultPath: `$.steps.${step.id}.output`,
      ...(catchers ? { Catch: catchers } : {}),
      Next: next,
    };
  },
} as const satisfies StepTypeDefinition<'map'>;

/** A map step: its nested steps are any steps, maps included, so its type is written out. */
export interface MapStep {
  id: string;
  type: 'map';
  items: string;
  maxConcurrency: number;
  /** The most items a run may map over: credits are reserved for them, and more fail the run. */
  maxItems: number;
  steps: import('../step-schema').Step[];
  retry?: RetryPolicy;
  timeoutSeconds?: number;
  onError?: z.infer<typeof onErrorSchema>;
}
