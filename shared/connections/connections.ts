// Connections: a named base URL with default headers and (by name) a credential, so `http` steps say
// `"connection": "crm", "path": "/leads/{{input.id}}"` instead of repeating an address and its auth. Secrets
// stay in credentials; the address policy still decides what may be reached.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keptCreatedAt } from '../data/created-at';
import { deleteExisting } from '../data/delete-existing';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';
import type { ConnectionInput } from './connection-schema';

export const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export type { ConnectionInput } from './connection-schema';

export interface Connection extends ConnectionInput {
  name: string;
  createdAt: string;
  updatedAt: string;
}

const ORDER = ['name', 'baseUrl', 'credential', 'headers', 'description', 'createdAt', 'updatedAt'];

function checkName(name: string) {
  if (!CONNECTION_NAME.test(name))
    throw new ValidationFailed([{ path: 'path.name', message: 'must match ^[a-z][a-z0-9_-]{0,63}$' }], 400);
}

export async function putConnection(deps: Deps, tenantId: string, name: string, input: ConnectionInput) {
  checkName(name);
  if (input.credential) {
    const { Item } = await deps.db.send(
      new GetCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.credential(tenantId, input.credential),
        ProjectionExpression: '#t',
        ExpressionAttributeNames: { '#t': 'type' },
      }),
    );
    if (!Item)
      throw new ValidationFailed([{ path: 'credential', message: `no credential "${input.credential}"` }]);
    if (Item.type !== 'http_bearer')
      throw new ValidationFailed([{ path: 'credential', message: 'must be an http_bearer credential' }]);
  }
  const now = deps.now().toISOString();
  const { createdAt, created } = await keptCreatedAt(deps, keys.connection(tenantId, name), now);
  const connection: Connection = { name, ...input, createdAt, updatedAt: now };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.connection(tenantId, name), ...connection },
    }),
  );
  return { connection, created };
}

export async function getConnection(deps: Deps, tenantId: string, name: string): Promise<Connection> {
  checkName(name);
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.connection(tenantId, name),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new NotFound('connection');
  return stripKeys<Connection>(Item, ORDER);
}

export async function listConnections(deps: Deps, tenantId: string): Promise<{ items: Connection[] }> {
  const { PK, SK } = keys.connection(tenantId, '');
  const { Items = [] } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': PK, ':sk': SK },
    }),
  );
  return { items: Items.map((item) => stripKeys<Connection>(item, ORDER)) };
}

export async function deleteConnection(deps: Deps, tenantId: string, name: string): Promise<void> {
  checkName(name);
  await deleteExisting(deps, keys.connection(tenantId, name), 'connection');
}

/** The URL an http step reaches through a connection: the base URL and the step's (resolved) path. */
export function connectionUrl(baseUrl: string, path: string): string {
  if (!path) return baseUrl;
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
