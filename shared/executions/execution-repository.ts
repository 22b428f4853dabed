// Execution and step records in DynamoDB.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, itemKey } from '../data/batch-get';
import { fromStored, toStored } from '../data/json-values';
import { keys, STEP_GROUP_PREFIX, stripKeys } from '../data/keys';
import {
  decodeCursor,
  eachInPartition,
  encodeCursor,
  invalidCursor,
  type Page,
  type PageRequest,
  pageLimit,
  queryPartition,
} from '../data/pagination';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import type {
  ExecutionError,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionTotals,
  StepAttempt,
  StepCounts,
  StepRecord,
} from './execution-model';
import { isPayloadRef, loadPayload } from './payload-store';

const EXECUTION_ORDER = [
  'id',
  'recipeId',
  'version',
  'status',
  'trigger',
  'engine',
  'input',
  'output',
  'error',
  'createdAt',
  'startedAt',
  'finishedAt',
  'durationMs',
];
const STEP_ORDER = [
  'stepId',
  'type',
  'status',
  'attempts',
  'startedAt',
  'finishedAt',
  'latencyMs',
  'outputPreview',
  'outputBytes',
  'error',
  'items',
  'usage',
  'history',
];
function toExecution(item: Record<string, unknown>): ExecutionRecord {
  const record = stripKeys<ExecutionRecord>(item, EXECUTION_ORDER);
  record.input = fromStored(record.input);
  if ('output' in record) record.output = fromStored(record.output);
  return record;
}

function indexKeys(tenantId: string, record: Pick<ExecutionRecord, 'id' | 'recipeId' | 'status'>) {
  return {
    GSI3PK: keys.executionsByRecipe(tenantId, record.recipeId),
    GSI3SK: record.id,
    GSI2PK: keys.executionsByStatus(tenantId, record.status),
    GSI2SK: record.id,
  };
}

export async function putExecution(deps: Deps, tenantId: string, record: ExecutionRecord): Promise<void> {
  await deps.db.send(new PutCommand(executionPut(deps, tenantId, record)));
}

type TransitionFields = Partial<
  Pick<
    ExecutionRecord,
    | 'output'
    | 'error'
    | 'executionArn'
    | 'startedAt'
    | 'finishedAt'
    | 'durationMs'
    | 'creditsCharged'
    | 'totals'
    | 'stepCounts'
  >
>;

/** The Update that moves an execution to `status` only if it is currently one of `from` (for transactions). */
export function executionTransition(
  deps: Deps,
  tenantId: string,
  id: string,
  from: ExecutionStatus[],
  status: ExecutionStatus,
  fields: TransitionFields = {},
) {
  const sets = Object.keys(fields).map((name) => `#${name} = :${name}`);
  const values = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [`:${name}`, name === 'output' ? toStored(value) : value]),
  );
  const names = Object.fromEntries(Object.keys(fields).map((name) => [`#${name}`, name]));
  const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
  return {
    TableName: deps.config.TABLE_NAME,
    Key: keys.execution(tenantId, id),
    UpdateExpression: `SET #status = :status, GSI2PK = :gsi2pk${sets.map((s) => `, ${s}`).join('')}`,
    ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})`,
    ExpressionAttributeNames: { '#status': 'status', ...names },
    ExpressionAttributeValues: {
      ':status': status,
      ':gsi2pk': keys.executionsByStatus(tenantId, status),
      ...fromValues,
      ...values,
    },
  };
}

/** Moves an execution to `status` only if it is currently one of `from`; returns false when it was not. */
export async function transitionExecution(
  deps: Deps,
  tenantId: string,
  id: string,
  from: ExecutionStatus[],
  status: ExecutionStatus,
  fields: TransitionFields = {},
): Promise<boolean> {
  try {
    await deps.db.send(new UpdateCommand(executionTransition(deps, tenantId, id, from, status, fields)));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * The Put of a new execution record with its index keys (for transactions). The record is also its run's
 * reserve line in the ledger (GSI4: `creditsReserved` and `createdAt`, which never change), so the start's
 * transaction debits the balance and writes its line with one item less.
 */
export function executionPut(deps: Deps, tenantId: string, record: ExecutionRecord) {
  return {
    TableName: deps.config.TABLE_NAME,
    Item: {
      ...keys.execution(tenantId, record.id),
      ...indexKeys(tenantId, record),
      ...keys.reservationLine(tenantId, record.id),
      ...record,
      input: toStored(record.input),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

export async function getExecutionRecord(deps: Deps, tenantId: string, id: string): Promise<ExecutionRecord> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.execution(tenantId, id),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new NotFound('execution');
  return toExecution(Item);
}

/** Above this, a stored run output stays a reference in responses (a response must stay well under 6 MB). */
const INLINE_OUTPUT_LIMIT_BYTES = 1024 * 1024;

/**
 * One run with its own steps (in the order they started) and how many step records it has by status; a map's
 * item records are paged apart (`listStepPage`), since a run may have tens of thousands of them.
 */
export async function getExecutionWithSteps(deps: Deps, tenantId: string, id: string) {
  const [record, steps] = await Promise.all([
    getExecutionRecord(deps, tenantId, id),
    queryAll(deps, keys.stepsOf(tenantId, id), 'STEP#'),
  ]);
  if (isPayloadRef(record.output) && record.output.bytes <= INLINE_OUTPUT_LIMIT_BYTES)
    record.output = await loadPayload(deps, tenantId, record.output);
  // A finished run's counts were written when it ended; a running one's are counted now.
  const stepCounts =
    record.stepCounts ??
    countSteps([...steps, ...(await queryAll(deps, keys.stepsOf(tenantId, id), 'ITEM#', true))]);
  return { ...record, stepCounts, steps: byStart(steps) };
}

/** Every step record of a run (its steps and each map item's), page after page: what settlement charges. */
export async function listStepRecords(
  deps: Deps,
  tenantId: string,
  executionId: string,
): Promise<StepRecord[]> {
  return byStart(await queryAll(deps, keys.stepsOf(tenantId, executionId)));
}

/** The step records held by step items as written (recordStepAttempt's and recordGroupAttempts' answers). */
export function stepRecordsOf(items: Array<Record<string, unknown>>): StepRecord[] {
  return byStart(items.flatMap(stepsOfItem));
}

export interface StepPageRequest extends PageRequest {
  /** Only this map step's item records, in index order. */
  step?: string;
  status?: StepRecord['status'];
}

/**
 * One page of a run's step records: map items by step and index, then the steps; or one map step's items. A
 * fused group's item holds several records, so a page may end inside it: its cursor is then `<the item's
 * key>.<records of it already listed>`, and the next page starts at that item. The item has no status of its
 * own: it passes the status filter and its records are filtered once expanded.
 */
export async function listStepPage(
  deps: Deps,
  tenantId: string,
  executionId: string,
  page: StepPageRequest,
): Promise<Page<StepRecord>> {
  const pk = keys.stepsOf(tenantId, executionId);
  const partition = { name: 'PK', value: pk };
  const limit = pageLimit(page);
  const [at, listedText] = (page.cursor ?? '').split('.');
  const inside = listedText === undefined ? undefined : decodeCursor(at, partition);
  if (inside && (page.step || !/^\d{1,3}$/.test(listedText!))) throw invalidCursor();
  const values: Record<string, unknown> = { ':pk': pk };
  let condition = 'PK = :pk';
  if (inside) [condition, values[':from']] = ['PK = :pk AND SK >= :from', inside.SK];
  else if (page.step)
    [condition, values[':sk']] = ['PK = :pk AND begins_with(SK, :sk)', `ITEM#${page.step}#`];
  if (page.status) values[':status'] = page.status;
  const result = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ...(page.status
        ? {
            FilterExpression: '#status = :status OR attribute_not_exists(#status)',
            ExpressionAttributeNames: { '#status': 'status' },
          }
        : {}),
      Limit: limit,
      ExclusiveStartKey: inside ? undefined : decodeCursor(page.cursor, partition),
    }),
  );
  const items: StepRecord[] = [];
  for (const item of result.Items ?? []) {
    const records = stepsOfItem(item);
    for (let n = item.SK === inside?.SK ? Number(listedText) : 0; n < records.length; n++) {
      if (items.length === limit)
        return { items, nextCursor: `${encodeCursor({ PK: item.PK, SK: item.SK })}.${n}` };
      if (!page.status || records[n]!.status === page.status) items.push(records[n]!);
    }
  }
  return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/** One step record of a run (a map item's too): undefined when the run has none for that step. */
export async function findStepRecord(
  deps: Deps,
  tenantId: string,
  executionId: string,
  stepId: string,
): Promise<StepRecord | undefined> {
  const key = keys.step(tenantId, executionId, stepId);
  if (key.SK.startsWith('ITEM#')) {
    const { Item } = await deps.db.send(new GetCommand({ TableName: deps.config.TABLE_NAME, Key: key }));
    return Item ? toStep(Item) : undefined;
  }
  // Either its own item or a member of its fused group's: the run's few step items, in one query.
  const steps = await queryAll(deps, keys.stepsOf(tenantId, executionId), 'STEP#');
  return steps.find((step) => step.stepId === stepId);
}

export function countSteps(steps: Array<Pick<StepRecord, 'status'>>): StepCounts {
  const counts: StepCounts = { total: steps.length, succeeded: 0, failed: 0, waiting: 0, running: 0 };
  for (const step of steps) counts[step.status] += 1;
  return counts;
}

const toStep = (item: Record<string, unknown>) => stripKeys<StepRecord>(item, STEP_ORDER);

/**
 * The step records an item holds: itself, or each member of a fused group's item (`recordGroupAttempts`), whose
 * attributes are `<stepId>` (the record), `<stepId>#startedAt`, `<stepId>#history` and `<stepId>#position` (its
 * place in the group: the order of steps that started and ended in the same millisecond).
 */
function stepsOfItem(item: Record<string, unknown>): StepRecord[] {
  if (!String(item.SK).startsWith(STEP_GROUP_PREFIX)) return [toStep(item)];
  return Object.keys(item)
    .filter((name) => /^[a-z]/.test(name) && !name.includes('#'))
    .sort((a, b) => Number(item[`${a}#position`]) - Number(item[`${b}#position`]))
    .map((stepId) =>
      toStep({
        stepId,
        ...(item[stepId] as object),
        startedAt: item[`${stepId}#startedAt`],
        history: item[`${stepId}#history`],
      }),
    );
}
/**
 * In the order the steps ran: by first start, then (started in the same millisecond) by last finish; steps of
 * one group that tie on both keep their group's order (the sort is stable).
 */
const byStart = (steps: StepRecord[]) =>
  steps.sort(
    (a, b) =>
      a.startedAt.localeCompare(b.startedAt) || (a.finishedAt ?? '').localeCompare(b.finishedAt ?? ''),
  );

async function queryAll(deps: Deps, pk: string, skPrefix = '', statusOnly = false): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  const query = { pk, skPrefix, consistent: true, ...(statusOnly ? { attributes: ['status'] } : {}) };
  for await (const item of eachInPartition(deps, query)) records.push(...stepsOfItem(item));
  return records;
}

/** AI usage of a run's steps, summed; the cost is null when any model had no known price. */
export function sumUsage(steps: StepRecord[]): ExecutionTotals {
  const totals: ExecutionTotals = {
    aiCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    costUsd: 0,
  };
  for (const { usage } of steps) {
    if (!usage) continue;
    totals.aiCalls += 1;
    totals.promptTokens += usage.promptTokens ?? 0;
    totals.completionTokens += usage.completionTokens ?? 0;
    totals.totalTokens += usage.totalTokens ?? 0;
    totals.costUsd =
      totals.costUsd === null || usage.costUsd === undefined ? null : totals.costUsd + usage.costUsd;
  }
  if (totals.costUsd !== null) totals.costUsd = Math.round(totals.costUsd * 1e8) / 1e8;
  return totals;
}

export interface ExecutionFilter extends PageRequest {
  recipeId?: string;
  status?: ExecutionStatus;
}

/** In a list, an input or output above this is left out (named in `omitted`): a page of 100 stays small. */
const LISTED_PAYLOAD_LIMIT_BYTES = 8 * 1024;

function toListedExecution(item: Record<string, unknown>): ExecutionRecord & { omitted?: string[] } {
  const record: ExecutionRecord & { omitted?: string[] } = toExecution(item);
  for (const field of ['input', 'output'] as const) {
    if (record[field] === undefined) continue;
    if (Buffer.byteLength(JSON.stringify(record[field])) <= LISTED_PAYLOAD_LIMIT_BYTES) continue;
    delete record[field];
    record.omitted = [...(record.omitted ?? []), field];
  }
  return record;
}

export function listExecutions(deps: Deps, tenantId: string, filter: ExecutionFilter) {
  if (filter.recipeId) return listExecutionsOfRecipe(deps, tenantId, filter);
  if (filter.status) {
    const pk = keys.executionsByStatus(tenantId, filter.status);
    return queryPartition(deps, { pk, index: 'GSI2', newestFirst: true }, filter, toListedExecution);
  }
  const { PK } = keys.execution(tenantId, '');
  return queryPartition(deps, { pk: PK, newestFirst: true }, filter, toListedExecution);
}

/**
 * A recipe's runs, newest first: a page of keys from GSI3 (keys only, so a run's end never rewrites the index),
 * then the records themselves in one BatchGetItem. A status filter applies to the records read, so a page may
 * hold fewer than `limit` runs and still have a cursor, as a filtered Query does.
 */
async function listExecutionsOfRecipe(deps: Deps, tenantId: string, filter: ExecutionFilter) {
  const pk = keys.executionsByRecipe(tenantId, filter.recipeId!);
  const page = await queryPartition(deps, { pk, index: 'GSI3', newestFirst: true }, filter, (item) => ({
    PK: item.PK as string,
    SK: item.SK as string,
  }));
  const found = await batchGet(deps, page.items);
  const items = page.items
    .map((key) => found.get(itemKey(key)))
    .filter(
      (item): item is Record<string, unknown> => !!item && (!filter.status || item.status === filter.status),
    )
    .map(toListedExecution);
  return { items, nextCursor: page.nextCursor };
}

export async function recordStepAttempt(
  deps: Deps,
  tenantId: string,
  executionId: string,
  step: StepRecord,
  /** Answer with the item as written (ReturnValues costs no capacity, only the bytes of the answer). */
  returnItem = false,
): Promise<Record<string, unknown> | undefined> {
  const { startedAt, ...rest } = step;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':startedAt': startedAt };
  const sets = ['#startedAt = if_not_exists(#startedAt, :startedAt)'];
  names['#startedAt'] = 'startedAt';
  for (const [name, value] of Object.entries(rest)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  if (step.status === 'succeeded' || step.status === 'failed') {
    // One entry per finished attempt, appended by the same write as the record itself.
    names['#history'] = 'history';
    values[':attempt'] = [attemptOf(step)];
    values[':none'] = [];
    sets.push('#history = list_append(if_not_exists(#history, :none), :attempt)');
  }
  const removes = ['error', 'outputPreview', 'outputBytes'].filter((name) => !(name in rest));
  for (const name of removes) names[`#${name}`] = name;
  const { Attributes } = await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.step(tenantId, executionId, step.stepId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.map((n) => `#${n}`).join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(returnItem ? { ReturnValues: 'ALL_NEW' } : {}),
    }),
  );
  return Attributes;
}

function attemptOf(step: StepRecord): StepAttempt {
  return {
    attempt: step.attempts,
    status: step.status as StepAttempt['status'],
    startedAt: step.startedAt,
    latencyMs: step.latencyMs,
    ...(step.error ? { error: step.error } : {}),
  };
}

/** Steps per write of a group's records: an update expression stops at 4 KB, and each step takes ~120 bytes. */
const GROUP_WRITE_STEPS = 25;

/**
 * Finished attempts of a fused group's fusable steps, in one write to the group's item (`keys.stepGroup`), or
 * one per GROUP_WRITE_STEPS steps: each step's record replaced, its first start kept, its attempt appended to its
 * history — as `recordStepAttempt` does for a record of its own.
 */
export async function recordGroupAttempts(
  deps: Deps,
  tenantId: string,
  executionId: string,
  firstStepId: string,
  steps: Array<{ record: StepRecord; position: number }>,
  /** Answer with the item after its last write, as recordStepAttempt's returnItem. */
  returnItem = false,
): Promise<Record<string, unknown> | undefined> {
  let written: Record<string, unknown> | undefined;
  for (let from = 0; from < steps.length; from += GROUP_WRITE_STEPS) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':none': [] };
    const sets: string[] = [];
    steps.slice(from, from + GROUP_WRITE_STEPS).forEach(({ record: step, position }, i) => {
      const { stepId, startedAt, history: _history, ...record } = step;
      Object.assign(names, {
        [`#r${i}`]: stepId,
        [`#s${i}`]: `${stepId}#startedAt`,
        [`#h${i}`]: `${stepId}#history`,
        [`#p${i}`]: `${stepId}#position`,
      });
      Object.assign(values, {
        [`:r${i}`]: record,
        [`:s${i}`]: startedAt,
        [`:h${i}`]: [attemptOf(step)],
        [`:p${i}`]: position,
      });
      sets.push(
        `#r${i} = :r${i}`,
        `#s${i} = if_not_exists(#s${i}, :s${i})`,
        `#h${i} = list_append(if_not_exists(#h${i}, :none), :h${i})`,
        `#p${i} = :p${i}`,
      );
    });
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.stepGroup(tenantId, executionId, firstStepId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(returnItem ? { ReturnValues: 'ALL_NEW' } : {}),
      }),
    );
    written = Attributes;
  }
  // After the last write: the item with every step of the group and their history.
  return written;
}

export type { ExecutionError };
