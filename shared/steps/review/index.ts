// `review`: a person approves (optionally editing the data) or rejects before the run goes on.
import * as z from 'zod';
import { jsonPath } from '../../recipes/choice-rules';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { price, REVIEW_TIMEOUT_SECONDS, settings } from './runtime';

export { REVIEW_TIMEOUT_SECONDS };

export const reviewStepSchema = z
  .object({
    ...base,
    type: z.literal('review'),
    message: z.string().min(1),
    data: z.unknown().optional(),
    onTimeout: z.enum(['approve', 'reject']).default('reject'),
  })
  .strict();

export const review = {
  type: 'review',
  description:
    'Waits for a person to approve (optionally with edits to the data) or reject, up to timeoutSeconds (default 24 h), then applies onTimeout.',
  kind: 'callback',
  schema: reviewStepSchema,
  example: {
    id: 'check',
    type: 'review',
    message: 'Send this email to {{input.email}}?',
    data: '{{input.draft}}',
    onTimeout: 'reject',
  },
  price,
  defaults: { timeoutSeconds: REVIEW_TIMEOUT_SECONDS },
  settings,
  pauses: true,
  worstCaseSeconds: () => Number.POSITIVE_INFINITY,
  // The component stores the task token on a review and returns; the state waits until a decision sends the
  // token back (its output is { output: ReviewOutput }) or the timeout applies the step's onTimeout rule.
  compile(step, next, context) {
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
  },
} as const satisfies StepTypeDefinition<'review'>;
