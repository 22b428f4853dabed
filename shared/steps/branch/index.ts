// `branch`: goes to the first case whose condition holds (a Choice state), else to `default`.
import * as z from 'zod';
import { choiceRule } from '../../recipes/choice-rules';
import { conditionSchema } from '../../recipes/condition-schema';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { price } from './runtime';

export const branchStepSchema = z
  .object({
    ...base,
    type: z.literal('branch'),
    cases: z.array(z.object({ when: conditionSchema, goto: z.string() }).strict()).min(1),
    default: z.string().default('end'),
  })
  .strict();

export const branch = {
  type: 'branch',
  description:
    'Goes to the step named by the first case whose condition holds, else to `default` (`end` ends the run); free.',
  kind: 'control',
  schema: branchStepSchema,
  example: {
    id: 'route',
    type: 'branch',
    cases: [{ when: { path: 'input.band', op: 'eq', value: 'cold' }, goto: 'end' }],
    default: 'end',
  },
  price,
  defaults: {},
  worstCaseSeconds: () => 0,
  compile(step, _next, context) {
    const cases = step.cases as Array<{ when: Parameters<typeof choiceRule>[0]; goto: string }>;
    return {
      Type: 'Choice',
      Choices: cases.map((c) => ({ ...choiceRule(c.when), Next: context.target(c.goto) })),
      Default: context.target(String(step.default ?? 'end')),
    };
  },
} as const satisfies StepTypeDefinition<'branch'>;
