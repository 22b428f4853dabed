// The schema of a condition (score rules, branch cases, transform filters), checked when a recipe is saved;
// how one is evaluated is condition.ts (the step functions bundle that without zod).
import * as z from 'zod/mini';
import { patternProblem } from './patterns';

export const conditionOps = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'exists',
  'matches',
] as const;

export type ConditionOp = (typeof conditionOps)[number];

const comparison = z
  .strictObject({
    path: z.string().check(z.minLength(1)),
    op: z.enum(conditionOps),
    value: z.optional(z.unknown()),
  })
  .check(
    z.superRefine((condition, ctx) => {
      const problem = condition.op === 'matches' ? patternProblem(condition.value) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    }),
  );

export type Condition =
  | z.infer<typeof comparison>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union([
    comparison,
    z.strictObject({ all: z.array(conditionSchema).check(z.minLength(1)) }),
    z.strictObject({ any: z.array(conditionSchema).check(z.minLength(1)) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);
