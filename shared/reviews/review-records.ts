// The review records the end of a run touches, kept apart from the review API (and its zod schemas) so the
// Finalize and status-change handlers stay small.
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';

/** The review of one execution step: always the same id, so a resumed wait finds it again. */
export function reviewId(executionId: string, stepId: string): string {
  return `rvw_${createHash('sha256').update(`${executionId}:${stepId}`).digest('hex').slice(0, 24)}`;
}

/** Marks a still-pending review expired with its reason; a review decided meanwhile is left as it is. */
export async function closeReview(deps: Deps, tenantId: string, id: string, reason: string): Promise<void> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.review(tenantId, id),
        UpdateExpression: 'SET #status = :expired, reason = :reason, GSI1PK = :gsi REMOVE taskToken',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':expired': 'expired',
          ':pending': 'pending',
          ':reason': reason,
          ':gsi': keys.reviewsByStatus(tenantId, 'expired'),
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
