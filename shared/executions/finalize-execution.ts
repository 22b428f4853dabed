// The last state of every run: resolves the recipe's output (or records the failure) on the execution.

import { causeMessage } from '../components/step-errors';
import { templateScope } from '../components/step-runner';
import type { Deps } from '../deps';
import { logger } from '../observability/observability';
import { resolveTemplates } from '../recipes/template';
import type { ExecutionError, RunState, StepRecord } from './execution-model';
import { saveFailedState } from './failed-state';
import { hydrateReferenced, storeIfLarge } from './payload-store';
import { settleExecution } from './settle-execution';

export type FinalizeEvent = (
  | { outcome: 'succeeded'; output: unknown; lastStep: string | null; state: RunState }
  | { outcome: 'failed'; state: RunState }
) & { executionArn?: string };

/**
 * `knownSteps`: every step record of the run, when the caller wrote them all (a run that is one fused group);
 * settlement then charges from them instead of reading the run's step records back.
 */
export async function finalizeExecution(
  deps: Deps,
  event: FinalizeEvent,
  knownSteps?: StepRecord[],
): Promise<unknown> {
  const { state } = event;
  if (event.outcome === 'failed') {
    // What a redrive resumes from; losing it must not stop the failure from being recorded and settled.
    await saveFailedState(deps, state).catch((error: Error) => {
      logger.error('could not keep the failed state', { errorType: error.name });
    });
    await settleExecution(
      deps,
      state,
      'failed',
      {
        error: describeFailure(state),
        ...(event.executionArn ? { executionArn: event.executionArn } : {}),
      },
      knownSteps,
    );
    return null;
  }
  const template = event.output ?? (event.lastStep ? `{{steps.${event.lastStep}.output}}` : null);
  const hydrated = await hydrateReferenced(deps, state, template);
  const resolved = resolveTemplates(template, templateScope(hydrated));
  // A large output is kept by reference on the record too (DynamoDB items stop at 400 KB).
  const output = await storeIfLarge(deps, state.run.tenantId, `${state.execution.id}/output`, resolved);
  await settleExecution(
    deps,
    state,
    'succeeded',
    { output, ...(event.executionArn ? { executionArn: event.executionArn } : {}) },
    knownSteps,
  );
  return output;
}

function describeFailure(state: RunState): ExecutionError {
  const [step, failure] = Object.entries(state.failures ?? {})[0] ?? [];
  return {
    ...(step ? { step } : {}),
    type: failure?.Error ?? 'Unknown',
    message: causeMessage(failure?.Cause) ?? 'the step failed',
  };
}
