// A `review` step's states, apart from its schema (index.ts), so that the functions that compile recipes bundle
// no zod (see shared/steps/compilers.ts).
import { jsonPath } from '../../recipes/choice-rules';
import type { StepCompile } from '../types';
import { REVIEW_TIMEOUT_SECONDS } from './runtime';

// The component stores the task token on a review and returns; the state waits until a decision sends the
// token back (its output is { output: ReviewOutput }) or the timeout applies the step's onTimeout rule.
export const compile: StepCompile = (step, next, context) => {
  const task = context.lambdaTask('review', { step, 'state.$': '$', 'taskToken.$': '$$.Task.Token' });
  task.Resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
  const catchers = context.catcher(step) ?? [];
  if (step.onTimeout === 'approve') {
    catchers.unshift({
      ErrorEquals: ['States.Timeout'],
      ResultPath: `$.steps.${step.id}`,
      Next: `Timeout_${step.id}`,
    });
    // The approval it records when nobody decided in time carries the reviewed data: read by path when
    // `data` is one template, else as written.
    const whole =
      typeof step.data === 'string' ? /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(step.data)?.[1] : undefined;
    const data = whole ? { 'data.$': jsonPath(whole) } : { data: step.data ?? null };
    context.addState(`Timeout_${step.id}`, {
      Type: 'Pass',
      Parameters: {
        output: { decision: 'approve', edits: null, ...data, reviewer: 'timeout', decidedAt: null },
      },
      ResultPath: `$.steps.${step.id}`,
      Next: next,
    });
  }
  return {
    ...task,
    ResultSelector: { 'output.$': '$.output' },
    ResultPath: `$.steps.${step.id}`,
    TimeoutSeconds: step.timeoutSeconds ?? REVIEW_TIMEOUT_SECONDS,
    ...(catchers.length ? { Catch: catchers } : {}),
    Next: next,
  };
};
