// The safety net for runs that end without reaching Finalize or RecordFailure (an uncatchable runtime error,
// a Step Functions timeout, a stop): from the service's status-change event, settle the execution so it is
// never left running and its credits are refunded. Settling twice is a no-op. Standard workflows announce
// this on EventBridge, with the run's input; Express workflows do not, so their ERROR-level execution log
// (ExecutionFailed / ExecutionTimedOut / ExecutionAborted) is subscribed instead, and the run is found by its
// execution name, `<tenantId>.<executionId>`.
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import { parseExecutionName, type RunState, terminalStatuses } from './execution-model';
import { getExecutionRecord } from './execution-repository';
import { stateFromRecords } from './run-state';
import { settleExecution } from './settle-execution';

export interface ExecutionStatusChange {
  status: string;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

/** A run's status for how Step Functions says it ended without Finalize. */
export const FINAL = { FAILED: 'failed', TIMED_OUT: 'timed_out', ABORTED: 'cancelled' } as const;

export async function reconcileStoppedExecution(deps: Deps, change: ExecutionStatusChange): Promise<boolean> {
  const status = FINAL[change.status as keyof typeof FINAL];
  if (!status || !change.input) return false;
  // The event carries the run's first input: it names the run, but what ran is read from the records.
  const started = JSON.parse(change.input) as Partial<RunState>;
  if (!started.run?.tenantId || !started.execution?.id) return false;
  return settleFromRecords(deps, started.run.tenantId, started.execution.id, status, {
    type: change.error || change.status,
    message: (change.cause || `the workflow ended as ${change.status}`).slice(0, 1000),
  });
}

export interface ExecutionLogEvent {
  type: string;
  /** arn:…:express:<machine>:<name>:<uuid> or arn:…:execution:<machine>:<name> */
  execution_arn: string;
  details?: { error?: string; cause?: string };
}

const LOGGED = {
  ExecutionFailed: 'failed',
  ExecutionTimedOut: 'timed_out',
  ExecutionAborted: 'cancelled',
} as const;

export async function reconcileFromExecutionLog(deps: Deps, event: ExecutionLogEvent): Promise<boolean> {
  const status = LOGGED[event.type as keyof typeof LOGGED];
  const arn = event.execution_arn.split(':');
  const name = arn[5] === 'express' ? arn[7] : arn[5] === 'execution' ? arn[7] : undefined;
  const run = name ? parseExecutionName(name) : null;
  if (!status || !run) return false;
  return settleFromRecords(deps, run.tenantId, run.executionId, status, {
    type: event.details?.error || event.type,
    message: (event.details?.cause || `the workflow ended: ${event.type}`).slice(0, 1000),
  });
}

/** Settles a run that ended without Finalize from its records: charged for every step it attempted. */
export async function settleFromRecords(
  deps: Deps,
  tenantId: string,
  executionId: string,
  status: 'failed' | 'timed_out' | 'cancelled',
  error: { type: string; message: string },
): Promise<boolean> {
  const execution = await getExecutionRecord(deps, tenantId, executionId).catch((failure: unknown) => {
    if (failure instanceof NotFound) return null;
    throw failure;
  });
  if (!execution || terminalStatuses.has(execution.status)) return false;
  const state = await stateFromRecords(deps, tenantId, execution);
  return settleExecution(deps, state, status, status === 'cancelled' ? {} : { error });
}
