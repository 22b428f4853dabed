// The review component: stores the review with its task token and returns; the state waits for the decision.
import middy from '@middy/core';
import { templateScope } from '../../components/step-runner';
import { getDeps } from '../../deps';
import type { RunState } from '../../executions/execution-model';
import { hydrateReferenced } from '../../executions/payload-store';
import { checkSettings } from '../../function-settings';
import type { Step } from '../../recipes/recipe-schema';
import { resolveTemplates } from '../../recipes/template';
import { requestReview } from '../../reviews/reviews';
import { REVIEW_TIMEOUT_SECONDS, settings } from './runtime';

checkSettings(settings);

interface ReviewEvent {
  step: Extract<Step, { type: 'review' }>;
  state: RunState;
  taskToken: string;
}

export const handler = middy<ReviewEvent, { reviewId: string }>().handler(
  async ({ step, state, taskToken }) => {
    const deps = getDeps();
    const scope = templateScope(await hydrateReferenced(deps, state, step));
    const review = await requestReview(deps, state, {
      stepId: step.id,
      message: String(resolveTemplates(step.message, scope)),
      data: resolveTemplates(step.data ?? null, scope),
      taskToken,
      timeoutSeconds: step.timeoutSeconds ?? REVIEW_TIMEOUT_SECONDS,
    });
    return { reviewId: review.id };
  },
);
