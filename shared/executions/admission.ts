// Fair admission. A tenant's queued runs start oldest first, each when one of the tenant's own concurrency
// slots frees: the account item's change (a run settled, a run queued) reaches the admitter (a consumer of the
// table's stream, functions/triggers/admission.ts), which admits while `queued > 0` and `running` is under the
// plan's limit. Each admission is one transaction
// (one more running, one fewer queued, the run `queued` → `running`, its entry deleted), so two admitters
// never start the same run and a tenant never runs more than its limit. Tenants only ever wait for their own
// slots: another tenant's queue, however long, delays nothing but that tenant. The sweep admits too, for
// anything the stream could not (an admitter that failed, a runtime stopped in between).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Account, admitUpdate, dequeueUpdate, getAccount, ledgerPut } from '../credits/credits';
import { plans } from '../credits/plans';
import { failedConditions } from '../data/transactions';
import type { Deps } from '../deps';
import { countBy, MetricUnit, metrics } from '../observability/metrics';
import { logger } from '../observability/observability';
import { getSettings } from '../settings/settings';
import { admissionDelete, oldestQueued } from './admission-queue';
import type { ExecutionRecord, RunState } from './execution-model';
import { executionTransition } from './execution-repository';
import { RUN_METRICS } from './settle-execution';
import { startWorkflow } from './start-workflow';

/**
 * Whether an account has runs waiting and a slot to start one in. A suspended tenant's runs wait, as its new
 * starts are refused, until it is reactivated.
 */
export function canAdmit(account: Pick<Account, 'plan' | 'running' | 'queued' | 'suspended'>): boolean {
  const plan = plans[account.plan];
  return (
    !account.suspended && (account.queued ?? 0) > 0 && !!plan && account.running < plan.concurrentExecutions
  );
}

/** Starts the tenant's oldest queued runs while slots are free; returns the ids started. */
export async function admitQueued(deps: Deps, tenantId: string): Promise<string[]> {
  const started: string[] = [];
  const tried = new Set<string>();
  let settings: Awaited<ReturnType<typeof getSettings>> | undefined;
  for (;;) {
    const account = await getAccount(deps, tenantId).catch(() => undefined);
    if (!account || !canAdmit(account)) return started;
    const limit = plans[account.plan].concurrentExecutions;
    const free = limit - account.running;
    const entries = (await oldestQueued(deps, tenantId, free)).filter(
      (entry) => !tried.has(entry.executionId),
    );
    let moved = false;
    for (const entry of entries) {
      tried.add(entry.executionId);
      const now = deps.now().toISOString();
      // The tenant's settings as they are now, not as they were when the run was queued (an allow-list
      // tightened meanwhile applies to it).
      settings ??= await getSettings(deps, tenantId);
      const state: RunState = {
        ...entry.state,
        settings: settings.values,
        execution: { ...entry.state.execution, startedAt: now },
        run: { ...entry.state.run, httpAllowList: settings.httpAllowList, ai: settings.ai },
      };
      const outcome = await admit(deps, tenantId, entry.executionId, limit, now);
      if (outcome === 'full') return started;
      moved = true;
      if (outcome === 'gone') continue; // cancelled or admitted by another admitter meanwhile
      try {
        await startWorkflow(deps, entry.stateMachineArn, state);
        countBy('RunsStarted', 'trigger', entry.trigger);
        started.push(entry.executionId);
      } catch (error) {
        // Settled as failed by startWorkflow (credits back, slot freed); the next one may still start.
        logger.error('queued run could not start', {
          tenantId,
          executionId: entry.executionId,
          errorType: (error as Error).name,
        });
      }
    }
    if (!moved) return started;
  }
}

async function admit(
  deps: Deps,
  tenantId: string,
  executionId: string,
  limit: number,
  now: string,
): Promise<'admitted' | 'full' | 'gone'> {
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          admitUpdate(deps, tenantId, limit),
          {
            Update: executionTransition(deps, tenantId, executionId, ['queued'], 'running', {
              startedAt: now,
            }),
          },
          { Delete: admissionDelete(deps, tenantId, executionId) },
        ],
      }),
    );
    return 'admitted';
  } catch (error) {
    const failed = failedConditions(error);
    if (failed[0]) return 'full';
    if (failed.some(Boolean)) return 'gone';
    throw error;
  }
}

/**
 * Cancels a run that is still queued: nothing charged, its whole reservation back with a ledger entry, its
 * entry gone. False when it was admitted (or ended) meanwhile, so the caller cancels it as a running run.
 */
export async function cancelQueued(deps: Deps, tenantId: string, record: ExecutionRecord): Promise<boolean> {
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: executionTransition(deps, tenantId, record.id, ['queued'], 'cancelled', {
              finishedAt: deps.now().toISOString(),
              durationMs: 0,
              creditsCharged: 0,
            }),
          },
          { Delete: admissionDelete(deps, tenantId, record.id) },
          dequeueUpdate(deps, tenantId, record.creditsReserved),
          ...(record.creditsReserved > 0
            ? [
                ledgerPut(deps, tenantId, {
                  type: 'refund',
                  amount: record.creditsReserved,
                  executionId: record.id,
                }),
              ]
            : []),
        ],
      }),
    );
    metrics.addMetric(RUN_METRICS.cancelled, MetricUnit.Count, 1);
    return true;
  } catch (error) {
    if (failedConditions(error).some(Boolean)) return false;
    throw error;
  }
}
