// Items read by key in one BatchGetItem (up to 100 keys), the keys DynamoDB left unprocessed read again.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../deps';

export interface ItemKey {
  PK: string;
  SK: string;
}

/** How long to wait before asking again for keys a throttled BatchGetItem left unprocessed. */
const UNPROCESSED_BACKOFF_MS = 50;

/** The items found, by `${PK}|${SK}` (itemKey); keys with no item are absent. */
export async function batchGet(
  deps: Deps,
  wanted: ItemKey[],
  options: { consistentRead?: boolean } = {},
): Promise<Map<string, Record<string, unknown>>> {
  const table = deps.config.TABLE_NAME;
  const found = new Map<string, Record<string, unknown>>();
  let keys = wanted;
  while (keys.length > 0) {
    const { Responses, UnprocessedKeys } = await deps.db.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: { Keys: keys, ...(options.consistentRead ? { ConsistentRead: true } : {}) },
        },
      }),
    );
    for (const item of Responses?.[table] ?? []) found.set(itemKey(item as unknown as ItemKey), item);
    keys = (UnprocessedKeys?.[table]?.Keys ?? []) as ItemKey[];
    if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_BACKOFF_MS));
  }
  return found;
}

export const itemKey = (key: ItemKey) => `${key.PK}|${key.SK}`;
