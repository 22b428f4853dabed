// Starting a run: validate input against the pinned version's schema, record it, start its state machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Deps } from '../deps';
import { ValidationFailed } from '../errors';
import { newId } from '../ids';
import { getRecipe } from '../recipes/recipes';
import { getSettings } from '../settings/settings';
import { validateJsonSchema } from '../validation';
import { type ExecutionRecord, type RunState, type Trigger, terminalStatuses } from './execution-model';
import {
  getExecutionRecord,
  getExecutionWithSteps,
  putExecution,
  setExecutionArn,
  transitionExecution,
} from './execution-repository';

export interface StartRequest {
  tenantId: string;
  recipeId: string;
  input: unknown;
  trigger: Trigger;
}

export async function startExecution(deps: Deps, request: StartRequest): Promise<ExecutionRecord> {
  const recipe = await getRecipe(deps, request.tenantId, request.recipeId);
  const inputErrors = validateJsonSchema(recipe.inputSchema, request.input, 'input');
  if (inputErrors.length > 0) throw new ValidationFailed(inputErrors);
  const settings = await getSettings(deps, request.tenantId);
  const now = deps.now().toISOString();
  const record: ExecutionRecord = {
    id: newId('exe'),
    recipeId: recipe.id,
    version: recipe.version,
    status: 'queued',
    trigger: request.trigger,
    engine: recipe.engine,
    input: request.input,
    createdAt: now,
  };
  const state: RunState = {
    input: request.input,
    steps: {},
    failures: {},
    settings: settings.values,
    execution: { id: record.id, startedAt: now },
    run: {
      tenantId: request.tenantId,
      recipeId: recipe.id,
      version: recipe.version,
      httpAllowList: settings.httpAllowList,
      ai: settings.ai,
    },
  };
  await putExecution(deps, request.tenantId, record);
  let executionArn: string;
  try {
    const started = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: recipe.stateMachineArn,
        name: record.id,
        input: JSON.stringify(state),
      }),
    );
    executionArn = started.executionArn!;
  } catch (error) {
    // Never leave a queued record that nothing will ever finish.
    await transitionExecution(deps, request.tenantId, record.id, ['queued'], 'failed', {
      error: { type: 'StartFailed', message: 'the workflow engine did not accept the run' },
      finishedAt: deps.now().toISOString(),
    });
    throw error;
  }
  // The run may already have finished (fast local runs); only a still-queued record becomes running.
  await transitionExecution(deps, request.tenantId, record.id, ['queued'], 'running', {
    executionArn,
    startedAt: now,
  });
  return { ...record, status: 'running', executionArn, startedAt: now };
}

/** Polls the record until the run ends or the timeout passes; returns the latest view either way. */
export async function waitForExecution(deps: Deps, tenantId: string, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const execution = await getExecutionWithSteps(deps, tenantId, id);
    if (terminalStatuses.has(execution.status) || Date.now() >= deadline) return execution;
    await sleep(Math.min(delay, Math.max(deadline - Date.now(), 0)));
    delay = Math.min(delay * 2, 250);
  }
}
