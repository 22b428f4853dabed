// API keys: random secrets shown once, stored only as SHA-256 hashes (high-entropy keys need no slow hash).
import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { NotFound, Unauthorized } from '../errors';
import { newId } from '../ids';
import type { Principal } from './principal';

export interface ApiKeyMetadata {
  id: string;
  name: string;
  role: Principal['role'];
  createdAt: string;
}

const ORDER = ['id', 'name', 'role', 'createdAt'];

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new key and the Put that stores its hash (for transactions); the plain key is returned only here. */
export function newApiKey(
  deps: Deps,
  input: { tenantId: string; role: Principal['role']; name: string },
  key = `rf_${randomBytes(24).toString('base64url')}`,
) {
  const id = newId('key');
  const metadata: ApiKeyMetadata = {
    id,
    name: input.name,
    role: input.role,
    createdAt: deps.now().toISOString(),
  };
  const put = {
    TableName: deps.config.TABLE_NAME,
    Item: {
      ...keys.apiKey(hashApiKey(key)),
      GSI1PK: keys.apiKeysOfTenant(input.tenantId),
      GSI1SK: id,
      tenantId: input.tenantId,
      ...metadata,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
  return { key, metadata, put };
}

export async function createApiKey(
  deps: Deps,
  input: { tenantId: string; role: Principal['role']; name: string },
) {
  const { key, metadata, put } = newApiKey(deps, input);
  await deps.db.send(new PutCommand(put));
  return { ...metadata, key };
}

export function listApiKeys(deps: Deps, tenantId: string, page: PageRequest) {
  return queryPartition(deps, { pk: keys.apiKeysOfTenant(tenantId), index: 'GSI1' }, page, (item) => {
    const { tenantId: _, ...metadata } = stripKeys<ApiKeyMetadata & { tenantId: string }>(item, ORDER);
    return metadata;
  });
}

export async function revokeApiKey(deps: Deps, tenantId: string, id: string): Promise<void> {
  const { Items = [] } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK = :id',
      ExpressionAttributeValues: { ':pk': keys.apiKeysOfTenant(tenantId), ':id': id },
    }),
  );
  const item = Items[0];
  if (!item) throw new NotFound('API key');
  await deps.db.send(
    new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: { PK: item.PK, SK: item.SK } }),
  );
}

export async function authenticateApiKey(deps: Deps, key: string | undefined): Promise<Principal> {
  if (!key || key.length > 200) throw new Unauthorized();
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.apiKey(hashApiKey(key)) }),
  );
  if (!Item) throw new Unauthorized();
  return {
    tenantId: Item.tenantId as string,
    role: Item.role as Principal['role'],
    keyId: Item.id as string,
  };
}

export async function apiKeyExists(deps: Deps, key: string): Promise<boolean> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.apiKey(hashApiKey(key)) }),
  );
  return Boolean(Item);
}
