// Starting the state machine of a run whose concurrency slot is taken (a start, an admitted queued run).
import { sfnOf } from '../clients/sfn';
import type { Deps } from '../deps';
import { logger } from '../observability/observability';
import { executionName, type RunState } from './execution-model';
import { settleExecution } from './settle-execution';

/**
 * Starts the state machine of a run whose slot is taken. If the engine refuses it, the run is settled as
 * failed at once (credits back, slot freed): never a running record that nothing will finish.
 */
export async function startWorkflow(deps: Deps, stateMachineArn: string, state: RunState): Promise<string> {
  const { tenantId } = state.run;
  try {
    const sfn = await sfnOf(deps);
    const started = await sfn.client.send(
      new sfn.StartExecutionCommand({
        stateMachineArn,
        name: executionName(tenantId, state.execution.id),
        input: JSON.stringify(state),
      }),
    );
    logger.info('run started', { tenantId, executionId: state.execution.id });
    return started.executionArn!;
  } catch (error) {
    await settleExecution(deps, state, 'failed', {
      error: { type: 'StartFailed', message: 'the workflow engine did not accept the run' },
    });
    throw error;
  }
}
