// `branch`: goes to the first case whose condition holds (a Choice state), else to `default`.
import * as z from 'zod/mini';
import { conditionSchema } from '../../recipes/condition-schema';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { compile } from './compile';
import { defaults, kind, price, worstCaseSeconds } from './runtime';

export const branchStepSchema = z.strictObject({
  ...base,
  type: z.literal('branch'),
  cases: z.array(z.strictObject({ when: conditionSchema, goto: z.string() })).check(z.minLength(1)),
  default: z._default(z.string(), 'end'),
});

export const branch = {
  type: 'branch',
  description:
    'Goes to the step named by the first case whose condition holds, else to `default` (`end` ends the run); free.',
  kind,
  schema: branchStepSchema,
  example: {
    id: 'route',
    type: 'branch',
    cases: [{ when: { path: 'input.band', op: 'eq', value: 'cold' }, goto: 'end' }],
    default: 'end',
  },
  price,
  defaults,
  worstCaseSeconds,
  compile,
} as const satisfies StepTypeDefinition<'branch'>;
