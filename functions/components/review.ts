// The review component: stores the review with its task token and returns; the state waits for the decision.
import middy from '@middy/core';
import { templateScope } from '../../shared/components/step-runner';
import { getDeps } from '../../shared/deps';
import type { RunState } from '../../shared/executions/execution-model';
import { hydrateReferenced } from '../../shared/executions/payload-store';
import { checkFunctionSettings } from '../../shared/function-settings';
import { REVIEW_TIMEOUT_SECONDS } from '../../shared/recipes/recipe-compiler';
import type { Step } from '../../shared/recipes/recipe-schema';
import { resolveTemplates } from '../../shared/recipes/template';
import { requestReview } from '../../shared/reviews/reviews';

checkFunctionSettings('components/review');

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
