// Idempotency-Key for mutations, with DynamoDB conditional writes: the first request claims the key (scoped to
// tenant, method and route) with a hash of its body; a repeat with the same body gets the stored response, a
// repeat with another body or while the first is in flight gets 409. Records expire after 24 hours.
// (Powertools idempotency keys on the payload rather than a client header and stores Lambda results, not
// HTTP responses with their status codes, so the header contract is simpler to keep here.)
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { Conflict, ValidationFailed } from '../errors';

const TTL_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

export interface IdempotencyClaim {
  tenantId: string;
  scope: string;
  requestHash: string;
}

/** Claims the key, or returns the stored response of an earlier identical request. */
export async function claimIdempotencyKey(
  deps: Deps,
  tenantId: string,
  input: { key: string; method: string; route: string; body: string },
): Promise<{ claim: IdempotencyClaim } | { replay: StoredResponse }> {
  if (input.key.length === 0 || input.key.length > 255) {
    throw new ValidationFailed(
      [{ path: 'headers.idempotency-key', message: 'must be 1 to 255 characters' }],
      400,
    );
  }
  const scope = `${input.method} ${input.route}#${input.key}`;
  const requestHash = createHash('sha256').update(input.body).digest('hex');
  const now = Math.floor(deps.now().getTime() / 1000);
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...keys.idempotency(tenantId, scope),
          requestHash,
          state: 'in_progress',
          expiresAt: now + TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return { claim: { tenantId, scope, requestHash } };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.idempotency(tenantId, scope),
      ConsistentRead: true,
    }),
  );
  if (Item?.requestHash !== requestHash) {
    throw new Conflict('this Idempotency-Key was already used with a different request body');
  }
  if (Item.state !== 'completed')
    throw new Conflict('a request with this Idempotency-Key is still in progress');
  return { replay: Item.response as StoredResponse };
}

export async function completeIdempotencyKey(deps: Deps, claim: IdempotencyClaim, response: StoredResponse) {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.idempotency(claim.tenantId, claim.scope),
      UpdateExpression: 'SET #state = :completed, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
    }),
  );
}

/** Frees the key after a failed request, so the client can retry it (e.g. after topping up credits). */
export async function releaseIdempotencyKey(deps: Deps, claim: IdempotencyClaim) {
  await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.idempotency(claim.tenantId, claim.scope),
    }),
  );
}
