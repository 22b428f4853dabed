// Cancel a run, or redrive a failed one from the step that failed.
//
// Redrive is a new execution (trigger `redrive`, `redriveOf` the failed one) on a state machine derived from
// the same version that starts at the failed step, with the failed run's state as input: the steps that
// succeeded are not run again. (Step Functions' own RedriveExecution would restart at our terminal Fail
// state, since every step failure is caught to record it and settle credits.)
import { sfnOf } from '../clients/sfn';
import { getAccount } from '../credits/credits';
import { plans } from '../credits/plans';
import { reservation } from '../credits/price-list';
import { priceList } from '../credits/pricing';
import type { Deps } from '../deps';
import { Conflict } from '../errors';
import { newId } from '../ids';
import { getRecipeVersion } from '../recipes/recipe-records';
import { ensureStateMachine, resumeMachineName } from '../recipes/state-machines';
import { cancelQueued } from './admission';
import { type ExecutionRecord, executionName, terminalStatuses } from './execution-model';
import { getExecutionRecord } from './execution-repository';
import { loadFailedState } from './failed-state';
import { stateFromRecords } from './run-state';
import { settleExecution } from './settle-execution';
import { launchExecution, type StartRequest } from './start-execution';

export async function cancelExecution(
  deps: Deps,
  tenantId: string,
  id: string,
  actor: StartRequest['actor'],
) {
  let execution = await getExecutionRecord(deps, tenantId, id);
  if (execution.status === 'queued') {
    // Never started: nothing to stop and nothing to charge. Admitted meanwhile, it is cancelled as a run.
    if (await cancelQueued(deps, tenantId, execution)) return getExecutionRecord(deps, tenantId, id);
    execution = await getExecutionRecord(deps, tenantId, id);
  }
  if (terminalStatuses.has(execution.status))
    throw new Conflict(`the execution is already ${execution.status}`);
  // Only Standard workflows can be stopped; an Express run goes on, and its end finds the run settled.
  const executionArn =
    execution.executionArn ??
    (execution.engine === 'STANDARD' ? await standardExecutionArn(deps, tenantId, execution) : undefined);
  if (executionArn) {
    const sfn = await sfnOf(deps);
    await sfn.client
      .send(new sfn.StopExecutionCommand({ executionArn, cause: `cancelled by ${actor.id}` }))
      .catch((error: Error) => {
        if (error.name !== 'ExecutionDoesNotExist') throw error;
      });
  }
  // Charge the run and the steps it already ran; refund the rest of the reservation.
  const state = await stateFromRecords(deps, tenantId, execution);
  await settleExecution(deps, state, 'cancelled', {});
  return getExecutionRecord(deps, tenantId, id);
}

/** A Standard run's ARN, before Finalize records it: its state machine's ARN and the run's name. */
export async function standardExecutionArn(deps: Deps, tenantId: string, execution: ExecutionRecord) {
  const version = await getRecipeVersion(deps, tenantId, execution.recipeId, execution.version);
  let [prefix, name] = version.stateMachineArn.split(':stateMachine:');
  const failedStep =
    execution.redriveOf && (await getExecutionRecord(deps, tenantId, execution.redriveOf)).error?.step;
  // A redrive runs on the machine that resumes at the failed step: its name is computed, never created here.
  if (failedStep) name = resumeMachineName(deps, version.definition, failedStep);
  return `${prefix}:execution:${name}:${executionName(tenantId, execution.id)}`;
}

export async function redriveExecution(
  deps: Deps,
  tenantId: string,
  id: string,
  actor: StartRequest['actor'],
): Promise<ExecutionRecord> {
  const failed = await getExecutionRecord(deps, tenantId, id);
  if (failed.status !== 'failed')
    throw new Conflict(`only a failed execution can be redriven; this one is ${failed.status}`);
  const step = failed.error?.step;
  if (!step) throw new Conflict('this execution failed before any step; start it again instead');
  const [version, previous, account] = await Promise.all([
    getRecipeVersion(deps, tenantId, failed.recipeId, failed.version),
    loadFailedState(deps, tenantId, id),
    getAccount(deps, tenantId).catch(() => null),
  ]);
  const topLevel = version.definition.steps;
  const from = topLevel.findIndex((s) => s.id === step);
  if (from < 0) throw new Conflict(`step ${step} cannot be resumed`);
  const remaining = topLevel.slice(from);
  // A redrive is a new run: it reserves, at today's prices, only the steps it runs again.
  const prices = priceList(remaining);
  const cost = reservation(prices);
  const { stateMachineArn } = await ensureStateMachine(deps, version.definition, step);
  const now = deps.now().toISOString();
  const record: ExecutionRecord = {
    id: newId('exe'),
    recipeId: failed.recipeId,
    version: failed.version,
    status: 'running',
    trigger: 'redrive',
    engine: version.engine,
    input: failed.input,
    redriveOf: id,
    startedBy: actor.id,
    startedByRole: actor.role,
    creditsReserved: cost,
    prices,
    createdAt: now,
    startedAt: now,
  };
  const state = {
    ...previous,
    failures: {},
    execution: { id: record.id, startedAt: now },
    run: { ...previous.run, credits: { reserved: cost, ...prices } },
  };
  return launchExecution(deps, {
    record,
    state,
    stateMachineArn,
    actor,
    concurrencyLimit: account ? plans[account.plan].concurrentExecutions : 0,
  });
}
