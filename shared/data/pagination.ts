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

const KEY_NAMES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK']);

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** A page's size: `limit` within 1–100, 25 unless asked. */
export const pageLimit = (page: PageRequest) => Math.min(Math.max(page.limit ?? 25, 1), 100);

/** The answer to a cursor that is not one this API gave out (or not for this partition). */
export const invalidCursor = () => new ValidationFailed([{ path: 'cursor', message: 'invalid cursor' }], 400);

export function decodeCursor(cursor: string | undefined, partition: { name: string; value: string }) {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A key we gave out: only key attributes, all strings (a mistyped one would reach DynamoDB as an error).
    const wellFormed =
      key !== null &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.entries(key).every(([name, value]) => KEY_NAMES.has(name) && typeof value === 'string');
    if (wellFormed && key[partition.name] === partition.value) return key;
  } catch {
    // fall through to the validation error
  }
  throw invalidCursor();
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
      Limit: pageLimit(page),
      ExclusiveStartKey: decodeCursor(page.cursor, partition),
    }),
  );
  return { items: (result.Items ?? []).map(map), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

export interface PartitionQuery {
  /** The partition key value; with `index`, the index's partition key. */
  pk: string;
  index?: 'GSI1' | 'GSI2' | 'GSI3' | 'GSI4';
  /** Only items whose sort key starts with this. */
  skPrefix?: string;
  newestFirst?: boolean;
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
}

/** One page of a partition (of the table or of an index), bound to that partition for its cursor. */
export function queryPartition<T>(
  deps: { db: DynamoDBDocumentClient; config: { TABLE_NAME: string } },
  query: PartitionQuery,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const pkName = query.index ? `${query.index}PK` : 'PK';
  const skName = query.index ? `${query.index}SK` : 'SK';
  return queryPage(
    deps.db,
    {
      TableName: deps.config.TABLE_NAME,
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression: query.skPrefix
        ? `${pkName} = :pk AND begins_with(${skName}, :sk)`
        : `${pkName} = :pk`,
      ExpressionAttributeValues: {
        ':pk': query.pk,
        ...(query.skPrefix ? { ':sk': query.skPrefix } : {}),
        ...query.filter?.values,
      },
      ...(query.filter
        ? {
            FilterExpression: query.filter.expression,
            ...(query.filter.names ? { ExpressionAttributeNames: query.filter.names } : {}),
          }
        : {}),
      ...(query.newestFirst ? { ScanIndexForward: false } : {}),
    },
    { name: pkName, value: query.pk },
    page,
    map,
  );
}

/**
 * One newest-first Query of a partition (of the table or of an index): up to `limit` items whose sort key sorts
 * below `before` (all of them without it), from `startKey` on. For pages whose cursor is "older than this key".
 */
export function queryOlderThan(
  deps: { db: DynamoDBDocumentClient; config: { TABLE_NAME: string } },
  query: Pick<PartitionQuery, 'pk' | 'index'> & {
    before?: string;
    limit: number;
    startKey?: Record<string, unknown>;
  },
) {
  const pkName = query.index ? `${query.index}PK` : 'PK';
  const skName = query.index ? `${query.index}SK` : 'SK';
  return deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression: query.before ? `${pkName} = :pk AND ${skName} < :before` : `${pkName} = :pk`,
      ExpressionAttributeValues: { ':pk': query.pk, ...(query.before ? { ':before': query.before } : {}) },
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: query.startKey,
    }),
  );
}

/** Every item of a partition (of the table or of an index), page after page, for internal sweeps. */
export async function* eachInPartition(
  deps: { db: DynamoDBDocumentClient; config: { TABLE_NAME: string } },
  query: Pick<PartitionQuery, 'pk' | 'index' | 'skPrefix'> & {
    consistent?: boolean;
    /** Only these attributes of each item. */
    attributes?: string[];
  },
): AsyncGenerator<Record<string, unknown>> {
  const pkName = query.index ? `${query.index}PK` : 'PK';
  const skName = query.index ? `${query.index}SK` : 'SK';
  const names = query.attributes?.map((name, i) => [`#a${i}`, name] as const);
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        ...(query.index ? { IndexName: query.index } : {}),
        KeyConditionExpression: query.skPrefix
          ? `${pkName} = :pk AND begins_with(${skName}, :sk)`
          : `${pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': query.pk, ...(query.skPrefix ? { ':sk': query.skPrefix } : {}) },
        ...(names
          ? {
              ProjectionExpression: names.map(([alias]) => alias).join(', '),
              ExpressionAttributeNames: Object.fromEntries(names),
            }
          : {}),
        ExclusiveStartKey: cursor,
        ...(query.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    yield* page.Items ?? [];
    cursor = page.LastEvaluatedKey;
  } while (cursor);
}
