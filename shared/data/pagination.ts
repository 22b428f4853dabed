// Cursor pagination: the cursor is an opaque encoding of LastEvaluatedKey, checked against the
// partition the caller is allowed to read so a tampered cursor cannot move into another tenant.
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationFailed } from '../errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, partition: { name: string; value: string }) {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key[partition.name] === partition.value) return key;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'invalid cursor' }], 400);
}

/** Runs one Query page; `partition` names the key attribute and value the query is bound to. */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  partition: { name: string; value: string },
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const result = await db.send(
    new QueryCommand({
      ...input,
      Limit: Math.min(Math.max(page.limit ?? 25, 1), 100),
      ExclusiveStartKey: decodeCursor(page.cursor, partition),
    }),
  );
  return { items: (result.Items ?? []).map(map), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}
