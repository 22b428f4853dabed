// Fixed one-second windows per tenant, counted in DynamoDB so every Lambda instance shares the count.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { RateLimited } from '../errors';
import { type PlanId, plans } from './plans';

export async function consumeRequest(deps: Deps, tenantId: string, plan: string | undefined): Promise<void> {
  const limit = plans[(plan ?? 'free') as PlanId]?.requestsPerSecond ?? plans.free.requestsPerSecond;
  const second = Math.floor(deps.now().getTime() / 1000);
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(tenantId, second),
        UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': second + 120 },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      throw new RateLimited(`the plan allows ${limit} requests per second`, 1);
    }
    throw error;
  }
}
