// The last safety net: every run the records say is `running` or `waiting_review`, checked against what the
// workflow engine knows, and settled (credits refunded, concurrency slot freed) when the engine has ended it or
// never had it; then each tenant's queued runs that a free slot could start are admitted. It catches what the status-change event and the Express execution log can miss: a lost event,
// a process that stopped between recording a run and starting its workflow, a local runtime killed before it
// wrote its running executions. The cloud runs it on a schedule; the local runtime runs the same code when
// it starts (for runs recorded before it started) and then on the same schedule.
import { sfnOf } from '../clients/sfn';
import { keys } from '../data/keys';
import { eachInPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { logger } from '../observability/observability';
import { admitQueued } from './admission';
import { standardExecutionArn } from './execution-control';
import type { ExecutionRecord } from './execution-model';
import { FINAL, settleFromRecords } from './reconcile-execution';

/** Express workflows last at most five minutes; a minute more covers clock skew and the last Task. */
const EXPRESS_LIMIT_MS = 6 * 60_000;

/**
 * What the schedule sends (`{ sweep: { marginSeconds } }`: runs created at least that long ago), or the local
 * runtime when it starts (`{ sweep: { createdBefore } }`: every run recorded before it started).
 */
export interface SweepRequest {
  sweep: { marginSeconds?: number; createdBefore?: string };
}

/** A start takes well under a second; ten minutes leaves any start in flight alone. */
export const SWEEP_MARGIN_SECONDS = 600;

export async function sweepRequested(deps: Deps, request: SweepRequest): Promise<SweepResult> {
  const { marginSeconds = SWEEP_MARGIN_SECONDS, createdBefore } = request.sweep;
  const before = createdBefore
    ? new Date(createdBefore)
    : new Date(deps.now().getTime() - marginSeconds * 1000);
  return sweepUnfinishedExecutions(deps, before);
}

export interface SweepResult {
  checked: number;
  settled: string[];
  /** Queued runs it started: ones the table stream's consumer could not admit (it failed, or was stopped). */
  admitted: string[];
}

/**
 * Checks the unfinished runs created before `createdBefore` (runs created later may still be starting) and
 * settles each one the engine does not have running. Settling is the same transition every other ending
 * uses, so a run that ends meanwhile is never settled twice.
 */
export async function sweepUnfinishedExecutions(deps: Deps, createdBefore: Date): Promise<SweepResult> {
  const result: SweepResult = { checked: 0, settled: [], admitted: [] };
  for await (const tenant of eachInPartition(deps, { pk: keys.allTenants, index: 'GSI1' })) {
    const tenantId = String(tenant.id);
    for (const status of ['running', 'waiting_review'] as const) {
      for await (const item of eachInPartition(deps, {
        pk: keys.executionsByStatus(tenantId, status),
        index: 'GSI2',
      })) {
        const record = item as unknown as ExecutionRecord;
        if (new Date(record.createdAt) >= createdBefore) continue;
        result.checked += 1;
        const ending = await engineEnding(deps, tenantId, record, createdBefore);
        if (ending && (await settleFromRecords(deps, tenantId, record.id, ending.status, ending.error))) {
          result.settled.push(record.id);
          logger.warn('unfinished run settled by the sweep', {
            tenantId,
            executionId: record.id,
            reason: ending.error.type,
          });
        }
      }
    }
    const admitted = await admitQueued(deps, tenantId);
    if (admitted.length > 0) {
      result.admitted.push(...admitted);
      logger.warn('queued runs admitted by the sweep', { tenantId, admitted: admitted.length });
    }
  }
  return result;
}

interface Ending {
  status: 'failed' | 'timed_out' | 'cancelled';
  error: { type: string; message: string };
}

/** How the engine says the run ended, or undefined while it is still running there. */
async function engineEnding(
  deps: Deps,
  tenantId: string,
  record: ExecutionRecord,
  createdBefore: Date,
): Promise<Ending | undefined> {
  const lost = (message: string): Ending => ({ status: 'failed', error: { type: 'RunLost', message } });
  if (record.engine === 'EXPRESS') {
    // The service cannot describe an Express run; one older than its time limit has ended.
    const age = createdBefore.getTime() - new Date(record.createdAt).getTime();
    return age > EXPRESS_LIMIT_MS
      ? lost('the workflow ended without recording how (its end was not reported); settled by the sweep')
      : undefined;
  }
  const executionArn = record.executionArn ?? (await standardExecutionArn(deps, tenantId, record));
  const sfn = await sfnOf(deps);
  const described = await sfn.client
    .send(new sfn.DescribeExecutionCommand({ executionArn }))
    .catch((error: Error) => {
      if (error.name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    });
  if (!described) return lost('the workflow engine has no record of this run (it never started)');
  if (described.status === 'RUNNING' || described.status === 'PENDING_REDRIVE') return undefined;
  const status = FINAL[described.status as keyof typeof FINAL];
  if (!status) return lost(`the workflow ended as ${described.status} without recording its result`);
  return {
    status,
    error: {
      type: described.error || described.status!,
      message: (described.cause || `the workflow ended as ${described.status}`).slice(0, 1000),
    },
  };
}
