// A run of `draft → approval (review) → after` started on a tenant with an enterprise account, returned once it
// waits for its review: what the review and safety-net tests start from.
import { openAccountIfMissing } from '../../shared/credits/credits';
import type { Deps } from '../../shared/deps';
import { getExecutionRecord } from '../../shared/executions/execution-repository';
import { startExecution } from '../../shared/executions/start-execution';
import { createRecipe } from '../../shared/recipes/recipes';
import { until } from './until';

export async function startRunAwaitingReview(
  deps: Deps,
  tenantId: string,
  options: { withAfter?: boolean } = {},
) {
  await openAccountIfMissing(deps, tenantId, 'enterprise');
  const recipe = await createRecipe(deps, tenantId, {
    name: 'waits for a review',
    steps: [
      { id: 'draft', type: 'transform', source: 'hello', ops: [] },
      { id: 'approval', type: 'review', message: 'ok?', data: '{{steps.draft.output}}' },
      ...(options.withAfter === false
        ? []
        : [{ id: 'after', type: 'transform', source: '{{steps.approval.output.data}}', ops: [] }]),
    ],
  });
  const started = await startExecution(deps, {
    tenantId,
    recipeId: recipe.id,
    input: {},
    trigger: 'api',
    actor: { id: 'test', role: 'operator' },
  });
  await until(
    () => getExecutionRecord(deps, tenantId, started.id),
    (e) => e.status === 'waiting_review',
  );
  return started;
}
