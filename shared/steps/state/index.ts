// `state`: data shared between the runs of a tenant — a value, a counter or a set under a key — read and
// changed with single conditional writes, so concurrent runs stay correct (e.g. never contact a lead twice).
import * as z from 'zod/mini';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, fusable, kind, price, settings } from './runtime';

export const stateOps = ['get', 'put', 'increment', 'addToSet'] as const;

export const stateStepSchema = z
  .strictObject({
    ...base,
    type: z.literal('state'),
    op: z.enum(stateOps),
    /** A template; the resolved key is scoped to the tenant. */
    key: z.string().check(z.minLength(1), z.maxLength(512)),
    /** put: the value; increment: the amount (default 1); addToSet: the members (an array). */
    value: z.optional(z.unknown()),
    /** The entry expires this long after its last change. */
    ttlSeconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(31_536_000))),
  })
  .check(
    z.superRefine((step, ctx) => {
      if ((step.op === 'put' || step.op === 'addToSet') && step.value === undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${step.op} step needs a value` });
      if (step.op === 'get' && step.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'a get step takes no value' });
    }),
  );

export type StateStep = z.infer<typeof stateStepSchema>;

export const state = {
  type: 'state',
  description:
    'Reads or changes data shared by all runs of the tenant under `key`: get → { value }, put → { value }, increment → { value } (the new number), addToSet → { added, size } (the members that were not there before).',
  kind,
  schema: stateStepSchema,
  example: { id: 'seen', type: 'state', op: 'addToSet', key: 'contacted', value: ['{{input.email}}'] },
  price,
  defaults,
  settings,
  fusable,
} as const satisfies StepTypeDefinition<'state'>;
