// An item replaced whole (PUT semantics) keeps when it was first made: read its createdAt before the Put.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../deps';

export async function keptCreatedAt(
  deps: Deps,
  key: { PK: string; SK: string },
  now: string,
): Promise<{ createdAt: string; created: boolean }> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: key, ProjectionExpression: 'createdAt' }),
  );
  return { createdAt: (Item?.createdAt as string | undefined) ?? now, created: !Item };
}
