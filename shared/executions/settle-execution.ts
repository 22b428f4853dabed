// Ends a run exactly once: in one transaction the execution reaches its final status, unused credits are
// refunded with a ledger entry and the running slot is freed (the audit event is read from the record's
// change on the stream). A repeated call
// (a retried Finalize) finds the execution already final and changes nothing. Reviews the run still waited
// for are closed.
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerPut, settleUpdate } from '../credits/credits';
import { charge } from '../credits/price-list';
import { keys } from '../data/keys';
import { failedConditions } from '../data/transactions';
import type { Deps } from '../deps';
import { MetricUnit, metrics } from '../observability/metrics';
import { logger } from '../observability/observability';
import { closeReview, reviewId } from '../reviews/review-records';
import type { ExecutionRecord, ExecutionStatus, RunState, StepRecord } from './execution-model';
import { countSteps, executionTransition, listStepRecords, sumUsage } from './execution-repository';

// A queued run holds no slot: only cancelQueued (admission.ts) ends it, never a settlement.
const ACTIVE: ExecutionStatus[] = ['running', 'waiting_review'];
/** What the alarms and the dashboard read (namespace Recipeflow, dimension service). */
export const RUN_METRICS = {
  succeeded: 'RunsSucceeded',
  failed: 'RunsFailed',
  cancelled: 'RunsCancelled',
  timed_out: 'RunsTimedOut',
} as const;

export async function settleExecution(
  deps: Deps,
  state: RunState,
  status: Extract<ExecutionStatus, 'succeeded' | 'failed' | 'cancelled' | 'timed_out'>,
  fields: Pick<ExecutionRecord, 'output' | 'error' | 'executionArn'>,
  /** Every step record of the run, when the caller holds them (it wrote them all); else they are read. */
  knownSteps?: StepRecord[],
): Promise<boolean> {
  const { tenantId, credits } = state.run;
  const stepRecords = knownSteps ?? (await listStepRecords(deps, tenantId, state.execution.id));
  // Attempted: what the components recorded (each map item's steps too), and what the state shows ran or
  // failed (a step whose Lambda was cut off records nothing, but its Catch puts it under failures).
  const attempted = [
    ...stepRecords.map((step) => step.stepId),
    ...Object.keys(state.steps ?? {}),
    ...Object.keys(state.failures ?? {}),
  ];
  const itemAttempts: Record<string, number> = {};
  for (const record of stepRecords)
    for (const [id, count] of Object.entries(record.itemSteps ?? {}))
      itemAttempts[id] = (itemAttempts[id] ?? 0) + count;
  const charged = charge(credits, credits.reserved, attempted, status === 'succeeded', itemAttempts);
  const refund = credits.reserved - charged;
  const finished = deps.now();
  const totals = sumUsage(stepRecords);
  const update = executionTransition(deps, tenantId, state.execution.id, ACTIVE, status, {
    ...fields,
    totals,
    stepCounts: countSteps(stepRecords),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - new Date(state.execution.startedAt).getTime(),
    creditsCharged: charged,
  });
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: update },
          settleUpdate(deps, tenantId, refund),
          ...(refund > 0
            ? [ledgerPut(deps, tenantId, { type: 'refund', amount: refund, executionId: state.execution.id })]
            : []),
        ],
      }),
    );
  } catch (error) {
    if (failedConditions(error)[0]) return false; // already settled
    throw error;
  }
  metrics.addMetric(RUN_METRICS[status], MetricUnit.Count, 1);
  metrics.addMetric('CreditsCharged', MetricUnit.Count, charged);
  logger.info('run ended', { tenantId, executionId: state.execution.id, status, creditsCharged: charged });
  // Reviews still waiting when the run ended (cancelled, timed out, or an onTimeout rule applied) can no
  // longer be decided; maps over artifacts still running were stopped with it (their items so far are charged).
  await Promise.all([
    ...stepRecords
      .filter((step) => step.type === 'review' && step.status === 'waiting')
      .map((step) =>
        closeReview(
          deps,
          tenantId,
          reviewId(state.execution.id, step.stepId),
          `the run ended (${status}) before a decision`,
        ),
      ),
    ...stepRecords
      .filter((step) => step.type === 'map' && step.status === 'running')
      .map((step) =>
        deps.db.send(
          new UpdateCommand({
            TableName: deps.config.TABLE_NAME,
            Key: keys.step(tenantId, state.execution.id, step.stepId),
            UpdateExpression: 'SET #status = :failed, finishedAt = :now, #error = :error',
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':running': 'running',
              ':now': finished.toISOString(),
              ':error': { type: 'RunEnded', message: `the run ended (${status}) before the map finished` },
            },
          }),
        ),
      ),
  ]);
  return true;
}
