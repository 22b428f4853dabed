// Starting a run: validate input against the pinned version's schema, then in one transaction record the
// execution, which is also its reserve line in the ledger, and reserve its credits (balance >= cost, under the
// plan's concurrency limit); only then start its state machine. Past the concurrency limit (or behind runs
// already waiting) the run is recorded as `queued` instead, its credits reserved the same way, and
// admission.ts starts it when a slot frees. The audit event is read from the record's own insert (stream).
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  accountFrom,
  concurrencyLimited,
  enqueueUpdate,
  getAccount,
  insufficientCredits,
  reserveUpdate,
} from '../credits/credits';
import { plans } from '../credits/plans';
import { reservation } from '../credits/price-list';
import { priceList } from '../credits/pricing';
import { batchGet, itemKey } from '../data/batch-get';
import { keys } from '../data/keys';
import { conflicted, failedConditions } from '../data/transactions';
import type { Deps } from '../deps';
import { NotFound, TenantSuspended, ValidationFailed } from '../errors';
import { newId } from '../ids';
import { validateJsonSchema } from '../json-schema';
import { countBy } from '../observability/metrics';
import { logger } from '../observability/observability';
import { toRecipe } from '../recipes/recipe-records';
import { settingsFrom } from '../settings/settings';
import { admissionPut, queuePosition } from './admission-queue';
import { type ExecutionRecord, type RunState, type Trigger, terminalStatuses } from './execution-model';
import { executionPut, getExecutionRecord, getExecutionWithSteps } from './execution-repository';
import { startWorkflow } from './start-workflow';

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
  /** Past the concurrency limit: wait in the tenant's admission queue (the default), or be refused (429). */
  queue?: boolean;
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
  const { recipe, settings, accountItem } = await readForStart(deps, tenantId, request.recipeId);
  const inputErrors = validateJsonSchema(recipe.inputSchema, request.input, 'input');
  if (inputErrors.length > 0) throw new ValidationFailed(inputErrors);
  // Renewed here if a billing period began, only once the input is valid: a refused start writes nothing. No
  // account, or one whose renewal failed: the reservation finds no credits and refuses the start.
  const account = await accountFrom(deps, tenantId, accountItem).catch(() => null);
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
    queue: request.queue ?? true,
  });
}

/**
 * What a start reads — the recipe, the tenant's settings and its credit account — in one BatchGetItem, one
 * round trip. Strongly consistent, as the account must be (a BatchGetItem has one consistency per table): a
 * just-suspended tenant starts nothing, and a renewal is seen at once.
 */
async function readForStart(deps: Deps, tenantId: string, recipeId: string) {
  const wanted = {
    recipe: keys.recipe(tenantId, recipeId),
    settings: keys.settings(tenantId),
    account: keys.account(tenantId),
  };
  const found = await batchGet(deps, Object.values(wanted), { consistentRead: true });
  const recipe = found.get(itemKey(wanted.recipe));
  if (!recipe) throw new NotFound('recipe');
  return {
    recipe: toRecipe(recipe),
    settings: settingsFrom(found.get(itemKey(wanted.settings))),
    accountItem: found.get(itemKey(wanted.account)),
  };
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
    queue?: boolean;
  },
): Promise<ExecutionRecord> {
  const { record, state, dedupeKey } = launch;
  const tenantId = state.run.tenantId;
  const admitted = await reserve(deps, launch);
  if (admitted === 'queued') {
    countBy('RunsQueued', 'trigger', record.trigger);
    logger.info('run queued', { tenantId, executionId: record.id, trigger: record.trigger });
    const { startedAt: _notYet, ...queued } = record;
    return { ...queued, status: 'queued', queuePosition: await queuePosition(deps, tenantId, record.id) };
  }
  try {
    const executionArn = await startWorkflow(deps, launch.stateMachineArn, state);
    countBy('RunsStarted', 'trigger', record.trigger);
    return { ...record, executionArn };
  } catch (error) {
    // A redelivered event may then try again.
    if (dedupeKey)
      await deps.db.send(
        new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.idempotency(tenantId, dedupeKey) }),
      );
    throw error;
  }
}

/**
 * Records the run and reserves its credits: running at once when a slot is free and no run of the tenant is
 * waiting, else (unless the caller opted out) queued with its admission entry, in one transaction either way.
 */
/** Tries of a start transaction that only conflicted with another. */
const CONFLICT_ATTEMPTS = 4;

async function reserve(
  deps: Deps,
  launch: Parameters<typeof launchExecution>[1],
): Promise<'running' | 'queued'> {
  const { record, state, dedupeKey } = launch;
  const tenantId = state.run.tenantId;
  const cost = record.creditsReserved;
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
  const write = async (items: object[], attempt = 1): Promise<boolean> => {
    try {
      await deps.db.send(
        new TransactWriteCommand({ TransactItems: [...items, ...(marker ? [marker] : [])] as never }),
      );
      return true;
    } catch (error) {
      // Two starts of the same upload delivered at once can cancel each other; tried again, one wins and the
      // other finds its dedupe marker (instead of both waiting for the queue's redelivery).
      if (conflicted(error) && attempt < CONFLICT_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * attempt));
        return write(items, attempt + 1);
      }
      const failed = failedConditions(error);
      if (marker && failed.at(-1)) {
        const { Item } = await deps.db.send(
          new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.idempotency(tenantId, dedupeKey!) }),
        );
        throw new AlreadyStarted(String(Item?.executionId));
      }
      if (failed[0]) return false;
      throw error;
    }
  };
  const runNow = [
    reserveUpdate(deps, tenantId, cost, launch.concurrencyLimit),
    // The record is the reservation's ledger line too (executionPut).
    { Put: executionPut(deps, tenantId, record) },
  ];
  if (await write(runNow)) return 'running';
  const account = await getAccount(deps, tenantId).catch(() => undefined);
  if (!account || account.balance < cost) throw insufficientCredits(account, cost);
  if (!launch.queue) throw concurrencyLimited(account);
  const { startedAt: _notYet, ...waiting } = record;
  const queueNow = [
    enqueueUpdate(deps, tenantId, cost),
    { Put: executionPut(deps, tenantId, { ...waiting, status: 'queued' }) },
    {
      Put: admissionPut(deps, tenantId, {
        trigger: record.trigger,
        stateMachineArn: launch.stateMachineArn,
        state,
      }),
    },
  ];
  if (await write(queueNow)) return 'queued';
  throw insufficientCredits(await getAccount(deps, tenantId).catch(() => undefined), cost);
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
