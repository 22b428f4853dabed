// The schema of a condition (score rules, branch cases, transform filters), checked when a recipe is saved;
// how one is evaluated is condition.ts (the step functions bundle that without zod).
import * as z from 'zod';
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
  .object({ path: z.string().min(1), op: z.enum(conditionOps), value: z.unknown().optional() })
  .strict()
  .superRefine((condition, ctx) => {
    const problem = condition.op === 'matches' ? patternProblem(condition.value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

export type Condition =
  | z.infer<typeof comparison>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    comparison,
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);
