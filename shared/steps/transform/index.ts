// `transform`: reshapes data with a pipeline of operations (pick, map, filter, dedupe, sort, limit, flatten).
import * as z from 'zod';
import { conditionSchema } from '../../recipes/condition-schema';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, fusable, kind, price, settings } from './runtime';

const path = z.string().min(1);
export const transformOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('pick'), fields: z.array(path).min(1) }).strict(),
  z.object({ op: z.literal('map'), to: z.unknown() }).strict(),
  z.object({ op: z.literal('filter'), when: conditionSchema }).strict(),
  z.object({ op: z.literal('dedupe'), by: path.optional() }).strict(),
  z.object({ op: z.literal('sort'), by: path, order: z.enum(['asc', 'desc']).default('asc') }).strict(),
  z.object({ op: z.literal('limit'), count: z.number().int().min(0) }).strict(),
  z.object({ op: z.literal('flatten'), depth: z.number().int().min(1).max(10).default(1) }).strict(),
]);

export const transformStepSchema = z
  .object({ ...base, type: z.literal('transform'), source: z.unknown(), ops: z.array(transformOpSchema) })
  .strict();

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
