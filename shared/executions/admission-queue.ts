// A tenant's admission queue: one entry per queued run, oldest first (execution ids sort by time), holding what
// starting it needs (its state machine and the state it starts with). Written in the start's transaction and
// deleted in the transaction that admits or cancels the run, so the account's `queued` count always matches.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import type { RunState, Trigger } from './execution-model';

export interface AdmissionEntry {
  executionId: string;
  trigger: Trigger;
  stateMachineArn: string;
  state: RunState;
}

/** The Put of a queued run's entry (for the start's transaction). */
export function admissionPut(deps: Deps, tenantId: string, entry: Omit<AdmissionEntry, 'executionId'>) {
  const executionId = entry.state.execution.id;
  return {
    TableName: deps.config.TABLE_NAME,
    Item: {
      ...keys.admission(tenantId, executionId),
      executionId,
      trigger: entry.trigger,
      stateMachineArn: entry.stateMachineArn,
      // As JSON: the state is the workflow's input as it will be sent, untouched by DynamoDB's types.
      state: JSON.stringify(entry.state),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

/** The Delete of a queued run's entry, only if it is still there (for the admitting or cancelling transaction). */
export function admissionDelete(deps: Deps, tenantId: string, executionId: string) {
  return {
    TableName: deps.config.TABLE_NAME,
    Key: keys.admission(tenantId, executionId),
    ConditionExpression: 'attribute_exists(PK)',
  };
}

/** The tenant's oldest `limit` entries, in the order they were queued. */
export async function oldestQueued(deps: Deps, tenantId: string, limit: number): Promise<AdmissionEntry[]> {
  const { Items = [] } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.admissionQueue(tenantId) },
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({
    executionId: String(item.executionId),
    trigger: item.trigger as Trigger,
    stateMachineArn: String(item.stateMachineArn),
    state: JSON.parse(String(item.state)) as RunState,
  }));
}

/** A queued run's place in line: 1 + the entries queued before it (counted a page at a time). */
export async function queuePosition(deps: Deps, tenantId: string, executionId: string): Promise<number> {
  let ahead = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'PK = :pk AND SK < :id',
        ExpressionAttributeValues: { ':pk': keys.admissionQueue(tenantId), ':id': executionId },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    ahead += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return ahead + 1;
}
