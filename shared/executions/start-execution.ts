// Starting a run: validate input against the pinned version's schema, then in one transaction record the
// execution, reserve its credits (balance >= cost, under the plan's concurrency limit) and write the ledger
// entry; only then start its state machine. The audit event is read from the record's own insert (stream).
import { setTimeout as sleep } from 'node:timers/promises';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { sfnOf } from '../clients/sfn';
import { explainRefusedReservation, getAccount, ledgerPut, reserveUpdate } from '../credits/credits';
import { plans } from '../credits/plans';
import { priceList, reservation } from '../credits/pricing';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { TenantSuspended, ValidationFailed } from '../errors';
import { newId } from '../ids';
import { validateJsonSchema } from '../json-schema';
import { countBy, logger } from '../observability/observability';
import { getRecipe } from '../recipes/recipes';
import { getSettings } from '../settings/settings';
import {
  type ExecutionRecord,
  executionName,
  type RunState,
  type Trigger,
  terminalStatuses,
} from './execution-model';
import { executionPut, getExecutionRecord, getExecutionWithSteps } from './execution-repository';
import { settleExecution } from './settle-execution';

/** How long a dedupe marker is kept: longer than any redelivery (SQS keeps messages up to 14 days). */
const DEDUPE_DAYS = 15;

export interface StartRequest {
  tenantId: string;
  recipeId: string;
  input: unknown;
  trigger: Trigger;
  actor: { id: string; role: string };
  /**
   * Makes the start happen at most once for this key (a scheduled time, an uploaded object version): the
   * marker is written in the same transaction as the reservation, so a second start with the key is refused
   * with AlreadyStarted and no credits move.
   */
  dedupeKey?: string;
}

/** A start with a dedupeKey that already started a run. */
export class AlreadyStarted extends Error {
  constructor(readonly executionId: string) {
    super(`already started as ${executionId}`);
    this.name = 'AlreadyStarted';
  }
}

export async function startExecution(deps: Deps, request: StartRequest): Promise<ExecutionRecord> {
  const { tenantId } = request;
  const recipe = await getRecipe(deps, tenantId, request.recipeId);
  const inputErrors = validateJsonSchema(recipe.inputSchema, request.input, 'input');
  if (inputErrors.length > 0) throw new ValidationFailed(inputErrors);
  const [settings, account] = await Promise.all([
    getSettings(deps, tenantId),
    getAccount(deps, tenantId).catch(() => null),
  ]);
  if (account?.suspended) throw new TenantSuspended();
  const prices = priceList(recipe.steps);
  const cost = reservation(prices);
  const now = deps.now().toISOString();
  const record: ExecutionRecord = {
    id: newId('exe'),
    recipeId: recipe.id,
    version: recipe.version,
    // Recorded as running from the start: the workflow starts right after the reservation, or the run is
    // settled as failed at once; the execution ARN is written by Finalize, so a start costs one write.
    status: 'running',
    trigger: request.trigger,
    engine: recipe.engine,
    input: request.input,
    startedBy: request.actor.id,
    startedByRole: request.actor.role,
    creditsReserved: cost,
    prices,
    createdAt: now,
    startedAt: now,
  };
  const state: RunState = {
    input: request.input,
    steps: {},
    failures: {},
    settings: settings.values,
    execution: { id: record.id, startedAt: now },
    run: {
      tenantId,
      recipeId: recipe.id,
      version: recipe.version,
      httpAllowList: settings.httpAllowList,
      ai: settings.ai,
      credits: { reserved: cost, ...prices },
    },
  };
  return launchExecution(deps, {
    record,
    state,
    stateMachineArn: recipe.stateMachineArn,
    actor: request.actor,
    concurrencyLimit: account ? plans[account.plan].concurrentExecutions : 0,
    dedupeKey: request.dedupeKey,
  });
}

/** Reserves, records and starts a prepared run (a start, or a redrive on its resume state machine). */
export async function launchExecution(
  deps: Deps,
  launch: {
    record: ExecutionRecord;
    state: RunState;
    stateMachineArn: string;
    actor: StartRequest['actor'];
    concurrencyLimit: number;
    dedupeKey?: string;
  },
): Promise<ExecutionRecord> {
  const { record, state, dedupeKey } = launch;
  const tenantId = state.run.tenantId;
  await reserve(deps, { tenantId, actor: launch.actor, dedupeKey }, record, launch.concurrencyLimit);
  try {
    const started = await sfnOf(deps).send(
      new StartExecutionCommand({
        stateMachineArn: launch.stateMachineArn,
        name: executionName(tenantId, record.id),
        input: JSON.stringify(state),
      }),
    );
    countBy('RunsStarted', 'trigger', record.trigger);
    logger.info('run started', { tenantId, executionId: record.id, trigger: record.trigger });
    return { ...record, executionArn: started.executionArn };
  } catch (error) {
    // Never leave a running record that nothing will finish, nor credits held for it.
    await settleExecution(deps, state, 'failed', {
      error: { type: 'StartFailed', message: 'the workflow engine did not accept the run' },
    });
    // A redelivered event may then try again.
    if (dedupeKey)
      await deps.db.send(
        new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.idempotency(tenantId, dedupeKey) }),
      );
    throw error;
  }
}

async function reserve(
  deps: Deps,
  request: Pick<StartRequest, 'tenantId' | 'actor' | 'dedupeKey'>,
  record: ExecutionRecord,
  concurrencyLimit: number,
) {
  const { tenantId, dedupeKey } = request;
  const marker = dedupeKey && {
    Put: {
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.idempotency(tenantId, dedupeKey),
        executionId: record.id,
        expiresAt: Math.floor(deps.now().getTime() / 1000) + DEDUPE_DAYS * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          reserveUpdate(deps, tenantId, record.creditsReserved, concurrencyLimit),
          { Put: executionPut(deps, tenantId, record) },
          ledgerPut(deps, tenantId, {
            type: 'reserve',
            amount: -record.creditsReserved,
            executionId: record.id,
          }),
          ...(marker ? [marker] : []),
        ],
      }),
    );
  } catch (error) {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    if (marker && reasons.at(-1)?.Code === 'ConditionalCheckFailed') {
      const { Item } = await deps.db.send(
        new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.idempotency(tenantId, dedupeKey!) }),
      );
      throw new AlreadyStarted(String(Item?.executionId));
    }
    if (reasons[0]?.Code === 'ConditionalCheckFailed')
      await explainRefusedReservation(deps, tenantId, record.creditsReserved);
    throw error;
  }
}

/** Polls the record until the run ends or the timeout passes; returns the latest view either way. */
export async function waitForExecution(deps: Deps, tenantId: string, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    // Polls the record alone; the steps are read once, at the end.
    const execution = await getExecutionRecord(deps, tenantId, id);
    if (terminalStatuses.has(execution.status) || Date.now() >= deadline)
      return getExecutionWithSteps(deps, tenantId, id);
    await sleep(Math.min(delay, Math.max(deadline - Date.now(), 0)));
    delay = Math.min(delay * 2, 250);
  }
}
