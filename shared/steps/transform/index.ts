// `transform`: reshapes data with a pipeline of operations (pick, map, filter, dedupe, sort, limit, flatten).
import * as z from 'zod/mini';
import { conditionSchema } from '../../recipes/condition-schema';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, fusable, kind, price, settings } from './runtime';

const path = z.string().check(z.minLength(1));
export const transformOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('pick'), fields: z.array(path).check(z.minLength(1)) }),
  z.strictObject({ op: z.literal('map'), to: z.unknown() }),
  z.strictObject({ op: z.literal('filter'), when: conditionSchema }),
  z.strictObject({ op: z.literal('dedupe'), by: z.optional(path) }),
  z.strictObject({ op: z.literal('sort'), by: path, order: z._default(z.enum(['asc', 'desc']), 'asc') }),
  z.strictObject({ op: z.literal('limit'), count: z.number().check(z.int(), z.minimum(0)) }),
  z.strictObject({
    op: z.literal('flatten'),
    depth: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(10)), 1),
  }),
]);

export const transformStepSchema = z.strictObject({
  ...base,
  type: z.literal('transform'),
  source: z.unknown(),
  ops: z.array(transformOpSchema),
});

export const transform = {
  type: 'transform',
  description:
    'Resolves `source` (a template) and runs it through `ops` in order; deterministic, never retried.',
  kind,
  schema: transformStepSchema,
  example: {
    id: 'top',
    type: 'transform',
    source: '{{input.items}}',
    ops: [
      { op: 'sort', by: 'score', order: 'desc' },
      { op: 'limit', count: 3 },
    ],
  },
  price,
  defaults,
  settings,
  fusable,
} as const satisfies StepTypeDefinition<'transform'>;
