// A `branch` step's states, apart from its schema (index.ts), so that the functions that compile recipes bundle
// no zod (see shared/steps/compilers.ts).
import { choiceRule } from '../../recipes/choice-rules';
import type { StepCompile } from '../types';

/** A Choice: the first case whose condition holds, else `default`. */
export const compile: StepCompile = (step, _next, context) => {
  const cases = step.cases as Array<{ when: Parameters<typeof choiceRule>[0]; goto: string }>;
  return {
    Type: 'Choice',
    Choices: cases.map((c) => ({ ...choiceRule(c.when), Next: context.target(c.goto) })),
    Default: context.target(String(step.default ?? 'end')),
  };
};
