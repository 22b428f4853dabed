// The safety net for runs that end without reaching Finalize or RecordFailure (an uncatchable runtime error,
// a Step Functions timeout, a stop): from the service's status-change event, settle the execution so it is
// never left running and its credits are refunded. Settling twice is a no-op.
import type { Deps } from '../deps';
import type { RunState } from './execution-model';
import { settleExecution } from './settle-execution';

export interface ExecutionStatusChange {
  status: string;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

const FINAL = { FAILED: 'failed', TIMED_OUT: 'timed_out', ABORTED: 'cancelled' } as const;

export async function reconcileStoppedExecution(deps: Deps, change: ExecutionStatusChange): Promise<boolean> {
  const status = FINAL[change.status as keyof typeof FINAL];
  if (!status || !change.input) return false;
  const state = JSON.parse(change.input) as RunState;
  if (!state.run?.tenantId || !state.execution?.id) return false;
  const error = {
    type: change.error ?? change.status,
    message: (change.cause ?? `the workflow ended as ${change.status}`).slice(0, 1000),
  };
  return settleExecution(deps, state, status, status === 'cancelled' ? {} : { error });
}
