// Schedules: a recipe started on an EventBridge Scheduler expression in a time zone. Each record is armed as
// an EventBridge Scheduler schedule when it is created and disarmed when it is deleted (locally, the runtime's
// Scheduler emulator answers the same calls). Every scheduled start is idempotent per scheduled time.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { fromStored, toStored } from '../data/json-values';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { InsufficientCredits, NotFound, TenantSuspended, ValidationFailed } from '../errors';
import { AlreadyStarted, startExecution } from '../executions/start-execution';
import { newId } from '../ids';
import { getRecipe } from '../recipes/recipe-records';
import { isTimezone, nextFireTimes, parseExpression } from './expressions';

export const scheduleInputSchema = z.strictObject({
  expression: z.string().check(z.minLength(1), z.maxLength(256)),
  timezone: z._default(z.string().check(z.minLength(1), z.maxLength(64)), 'UTC'),
  input: z._default(z.unknown(), {}),
  description: z.optional(z.string().check(z.maxLength(500))),
});

export interface Schedule {
  id: string;
  recipeId: string;
  expression: string;
  timezone: string;
  input: unknown;
  description?: string;
  createdAt: string;
  /** The last scheduled time that started nothing, and why (tenant suspended, credits short, …). */
  lastSkipped?: { scheduledTime: string; reason: string };
  /** The next three times it fires (computed on read, never stored). */
  nextRuns?: string[];
}

const NEXT_RUNS = 3;

function withNextRuns(schedule: Schedule, now: Date): Schedule {
  const parsed = parseExpression(schedule.expression, schedule.timezone);
  if ('path' in parsed) return schedule;
  const origin = new Date(schedule.createdAt);
  return { ...schedule, nextRuns: nextFireTimes(parsed, schedule.timezone, origin, now, NEXT_RUNS) };
}

export interface SchedulerPort {
  /** Arms the schedule in EventBridge Scheduler (or the local emulator of it). */
  put(tenantId: string, schedule: Schedule): Promise<void>;
  /** Disarms it; a schedule the service no longer has is fine. */
  remove(tenantId: string, scheduleId: string): Promise<void>;
}

const ORDER = ['id', 'recipeId', 'expression', 'timezone', 'input', 'description', 'createdAt'];

export async function createSchedule(
  deps: Deps,
  scheduler: SchedulerPort,
  tenantId: string,
  recipeId: string,
  input: z.infer<typeof scheduleInputSchema>,
): Promise<Schedule> {
  const errors = [];
  const parsed = parseExpression(input.expression, input.timezone);
  if ('path' in parsed) errors.push(parsed);
  if (!isTimezone(input.timezone))
    errors.push({ path: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin' });
  if (errors.length) throw new ValidationFailed(errors);
  await getRecipe(deps, tenantId, recipeId);
  const schedule: Schedule = { id: newId('sch'), recipeId, ...input, createdAt: deps.now().toISOString() };
  await scheduler.put(tenantId, schedule);
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.schedule(tenantId, schedule.id),
        GSI1PK: keys.schedulesOfRecipe(tenantId, recipeId),
        GSI1SK: schedule.id,
        tenantId,
        ...schedule,
        input: toStored(schedule.input),
      },
    }),
  );
  return withNextRuns(schedule, deps.now());
}

export async function listSchedules(deps: Deps, tenantId: string, recipeId: string, page: PageRequest) {
  await getRecipe(deps, tenantId, recipeId);
  return queryPartition(
    deps,
    { pk: keys.schedulesOfRecipe(tenantId, recipeId), index: 'GSI1' },
    page,
    (item) => withNextRuns(toSchedule(item), deps.now()),
  );
}

export async function deleteSchedule(deps: Deps, scheduler: SchedulerPort, tenantId: string, id: string) {
  await getSchedule(deps, tenantId, id);
  await scheduler.remove(tenantId, id);
  await deps.db.send(
    new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.schedule(tenantId, id) }),
  );
}

export async function getSchedule(deps: Deps, tenantId: string, id: string): Promise<Schedule> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.schedule(tenantId, id) }),
  );
  if (!Item) throw new NotFound('schedule');
  return toSchedule(Item);
}

/** One scheduled start; a second delivery for the same scheduled time starts nothing. */
export async function runScheduled(
  deps: Deps,
  event: { tenantId: string; scheduleId: string; scheduledTime: string },
) {
  const schedule = await getSchedule(deps, event.tenantId, event.scheduleId);
  try {
    return await startExecution(deps, {
      tenantId: event.tenantId,
      recipeId: schedule.recipeId,
      input: schedule.input,
      trigger: 'schedule',
      actor: { id: `schedule:${schedule.id}`, role: 'system' },
      dedupeKey: `schedule#${schedule.id}#${event.scheduledTime}`,
    });
  } catch (error) {
    if (error instanceof AlreadyStarted) return null;
    // A start that cannot succeed is skipped with its reason on the schedule instead of being retried.
    if (
      error instanceof TenantSuspended ||
      error instanceof InsufficientCredits ||
      error instanceof ValidationFailed ||
      error instanceof NotFound
    ) {
      await recordSkip(deps, event, error.message);
      return null;
    }
    throw error;
  }
}

async function recordSkip(
  deps: Deps,
  event: { tenantId: string; scheduleId: string; scheduledTime: string },
  reason: string,
) {
  await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.schedule(event.tenantId, event.scheduleId),
        UpdateExpression: 'SET lastSkipped = :skip',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':skip': { scheduledTime: event.scheduledTime, reason } },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

function toSchedule(item: Record<string, unknown>): Schedule {
  const { tenantId: _, ...schedule } = stripKeys<Schedule & { tenantId: string }>(item, ORDER);
  return { ...schedule, input: fromStored(schedule.input) };
}
