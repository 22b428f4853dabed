// `score`: weighted rules over the run's data → { score, band, matched }.
import * as z from 'zod/mini';
import { conditionSchema } from '../../recipes/condition-schema';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, fusable, kind, price, settings } from './runtime';

export const scoreStepSchema = z.strictObject({
  ...base,
  type: z.literal('score'),
  rules: z.array(z.strictObject({ when: conditionSchema, points: z.number() })).check(z.minLength(1)),
  bands: z._default(
    z.array(z.strictObject({ min: z.number(), label: z.string().check(z.minLength(1)) })),
    [],
  ),
});

export const score = {
  type: 'score',
  description:
    'Adds the points of every rule whose condition holds and names the highest band reached; deterministic, never retried.',
  kind,
  schema: scoreStepSchema,
  example: {
    id: 'fit',
    type: 'score',
    rules: [{ when: { path: 'input.employees', op: 'gte', value: 50 }, points: 10 }],
    bands: [
      { min: 0, label: 'cold' },
      { min: 10, label: 'warm' },
    ],
  },
  price,
  defaults,
  settings,
  fusable,
} as const satisfies StepTypeDefinition<'score'>;
