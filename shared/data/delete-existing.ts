// Deletes an item that must exist: one conditional write, so a missing (or another tenant's) item is a
// NotFound without a read first.
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../deps';
import { NotFound } from '../errors';

export async function deleteExisting(
  deps: Deps,
  key: { PK: string; SK: string },
  resource: string,
): Promise<void> {
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: key,
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new NotFound(resource);
    throw error;
  }
}
