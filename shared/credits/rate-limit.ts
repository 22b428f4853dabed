// The plan's request rate, per tenant, counted in DynamoDB so every Lambda instance shares the count: fixed
// windows of WINDOW_SECONDS, each allowing the plan's rate times its length. A burst (30 starts at once from a
// free plan) is served as long as the window's average stays within the rate, as API Gateway's token bucket
// allows a burst above the steady rate.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { RateLimited } from '../errors';
import { type PlanId, plans } from './plans';

export const WINDOW_SECONDS = 10;

export async function consumeRequest(deps: Deps, tenantId: string, plan: string | undefined): Promise<void> {
  const rate = plans[(plan ?? 'free') as PlanId]?.requestsPerSecond ?? plans.free.requestsPerSecond;
  const limit = rate * WINDOW_SECONDS;
  const now = deps.now().getTime() / 1000;
  const windowStart = Math.floor(now / WINDOW_SECONDS) * WINDOW_SECONDS;
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(tenantId, windowStart),
        UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': windowStart + 120 },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      const retryAfter = Math.max(1, Math.ceil(windowStart + WINDOW_SECONDS - now));
      throw new RateLimited(
        `the plan allows ${rate} requests per second (${limit} per ${WINDOW_SECONDS} seconds)`,
        retryAfter,
      );
    }
    throw error;
  }
}
