// One batch of a map over an artifact (a child execution of its Distributed Map): each item runs the map's
// nested steps in this one invocation, as a fused group does, and fails on its own — an item's error becomes its
// result line, never the batch's. The batch adds its counts to the map's step record once (the batch is named by
// its first item's index, and a repeated invocation finds its name already counted), which is the map's
// progress while it runs and what its items are charged.
//
// Unlike steps of their own, the items' steps leave no record each (100,000 rows would be 100,000 writes):
// the result artifact holds each item's output or error. A step's retry policy applies here, item by item.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import { ttlAttribute } from '../data/table';
import { failedConditions } from '../data/transactions';
import type { Deps } from '../deps';
import type { RunState } from '../executions/execution-model';
import { hydrateReferenced, storeIfLarge } from '../executions/payload-store';
import { logger } from '../observability/observability';
import type { RetryPolicy, Step } from '../recipes/recipe-schema';
import { StepFailed, toStepError } from './step-errors';
import { type Component, templateScope } from './step-runner';

export interface BatchEvent {
  map: 'batch';
  /** The map step's id. */
  mapStep: string;
  /** The map's nested steps, run in order for each item. */
  group: Step[];
  /** ItemSelector's shape: each item with its index in the file. */
  items: Array<{ value: unknown; index: number }>;
  /** ItemBatcher's BatchInput: the run's state as the map started. */
  state: RunState;
}

/** One item's line of the result artifact: the last step's output, or the error that stopped the item. */
export type ItemResult =
  | { index: number; output: unknown }
  | { index: number; error: { step: string; type: string; message: string } };

/** A batch's results travel by reference when they would crowd the child execution's 256 KiB output. */
const RESULTS_INLINE_BYTES = 200 * 1024;
/** How long a batch's marker (see countBatch) is kept. */
const MARKER_DAYS = 7;
/** Items of a batch run at once (their steps may wait on the network). */
const ITEM_CONCURRENCY = 8;

export function isBatchEvent(event: unknown): event is BatchEvent {
  return (event as BatchEvent).map === 'batch';
}

export async function runBatch(
  deps: Deps,
  event: BatchEvent,
  components: Record<string, Component<never>>,
): Promise<{ results: unknown }> {
  const { tenantId } = event.state.run;
  const executionId = event.state.execution.id;
  // Outputs the steps read by reference are loaded once for the batch, not once per item.
  const state = await hydrateReferenced(deps, event.state, event.group);
  const attempted: Record<string, number> = Object.fromEntries(event.group.map((step) => [step.id, 0]));
  const results: ItemResult[] = new Array(event.items.length);
  let next = 0;
  const worker = async () => {
    while (next < event.items.length) {
      const position = next++;
      results[position] = await runItem(state, event.items[position]!, event.group, components, attempted);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ITEM_CONCURRENCY, event.items.length) }, worker));
  const failed = results.filter((result) => 'error' in result).length;
  await countBatch(deps, event, { succeeded: results.length - failed, failed, attempted });
  logger.info('map batch', { tenantId, executionId, stepId: event.mapStep, items: results.length, failed });
  const first = event.items[0]?.index ?? 0;
  return {
    results: await storeIfLarge(
      deps,
      tenantId,
      `${executionId}/maps/${event.mapStep}/batch-${first}`,
      results,
      RESULTS_INLINE_BYTES,
    ),
  };
}

async function runItem(
  base: RunState,
  item: { value: unknown; index: number },
  group: Step[],
  components: Record<string, Component<never>>,
  attempted: Record<string, number>,
): Promise<ItemResult> {
  let state: RunState = { ...base, item: item.value, index: item.index };
  for (const step of group) {
    const component = components[step.type] as Component<Step> | undefined;
    if (!component) throw new Error(`this function cannot run a ${step.type} step`);
    attempted[step.id] = (attempted[step.id] ?? 0) + 1;
    try {
      const { output } = await withRetry(step.retry, () => component(step, templateScope(state), state));
      state = { ...state, steps: { ...state.steps, [step.id]: { output: output ?? null } } };
    } catch (raw) {
      const error = toStepError(raw);
      if (step.onError !== 'continue') {
        return { index: item.index, error: { step: step.id, type: error.name, message: error.message } };
      }
      const failure = { Error: error.name, Cause: JSON.stringify({ errorMessage: error.message }) };
      state = { ...state, steps: { ...state.steps, [step.id]: { error: failure } } };
    }
  }
  return { index: item.index, output: state.steps[group.at(-1)!.id]?.output ?? null };
}

/** The step's retry policy, in process: a StepFailed is tried again after the policy's backoff. */
async function withRetry<T>(policy: RetryPolicy | undefined, attempt: () => Promise<T>): Promise<T> {
  const attempts = policy?.maxAttempts ?? 1;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= attempts || !(toStepError(error) instanceof StepFailed)) throw error;
      let delay = policy!.intervalSeconds * policy!.backoffRate ** (n - 1);
      if (policy!.maxDelaySeconds) delay = Math.min(delay, policy!.maxDelaySeconds);
      if (policy!.jitter === 'full') delay *= Math.random();
      await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    }
  }
}

/**
 * Adds the batch's counts to the map's record, once per batch: in one transaction with a marker item for the
 * batch that only the first invocation can write. (A set of counted batches on the record would do it in one
 * write, but grow the record, and the price of each write with it, to tens of KB for a large file.)
 */
async function countBatch(
  deps: Deps,
  event: BatchEvent,
  counts: { succeeded: number; failed: number; attempted: Record<string, number> },
): Promise<void> {
  const { tenantId } = event.state.run;
  const executionId = event.state.execution.id;
  const names: Record<string, string> = { '#items': 'items', '#steps': 'itemSteps' };
  const values: Record<string, unknown> = { ':succeeded': counts.succeeded, ':failed': counts.failed };
  const adds = ['#items.succeeded :succeeded', '#items.failed :failed'];
  Object.entries(counts.attempted).forEach(([id, count], i) => {
    names[`#s${i}`] = id;
    values[`:s${i}`] = count;
    adds.push(`#steps.#s${i} :s${i}`);
  });
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.config.TABLE_NAME,
              Item: {
                ...keys.mapBatch(tenantId, executionId, event.mapStep, event.items[0]?.index ?? 0),
                // A batch is invoked again within minutes if at all (its child execution ends within five):
                // after a week the marker has done its work, and TTL deletes it for free.
                [ttlAttribute]: Math.floor(deps.now().getTime() / 1000) + MARKER_DAYS * 86_400,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: deps.config.TABLE_NAME,
              Key: keys.step(tenantId, executionId, event.mapStep),
              UpdateExpression: `ADD ${adds.join(', ')}`,
              // The map's first state wrote the record with its counters.
              ConditionExpression: 'attribute_exists(#items)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          },
        ],
      }),
    );
  } catch (error) {
    // Counted already, by an earlier invocation of the same batch.
    if (failedConditions(error)[0]) return;
    throw error;
  }
}
