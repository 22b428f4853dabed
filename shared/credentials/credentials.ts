// Tenant credentials: secrets for providers, stored sealed, read back only as metadata; opened only inside the
// component that uses them. Steps refer to them by name.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sealerOf } from '../credentials/sealer';
import { keptCreatedAt } from '../data/created-at';
import { deleteExisting } from '../data/delete-existing';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';
import type { CredentialInput, CredentialType } from './credential-schema';
import type { SealedSecret } from './sealer';

export type { CredentialInput, CredentialType } from './credential-schema';
export const CREDENTIAL_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

type ValueOf<T extends CredentialType> = Extract<CredentialInput, { type: T }>['value'];

export interface CredentialMetadata {
  name: string;
  type: CredentialType;
  createdAt: string;
  updatedAt: string;
}

const context = (tenantId: string, name: string) => ({ tenantId, credential: name });

export async function putCredential(deps: Deps, tenantId: string, name: string, input: CredentialInput) {
  if (!CREDENTIAL_NAME.test(name)) {
    throw new ValidationFailed([{ path: 'name', message: 'must match ^[a-z][a-z0-9_-]{0,63}$' }], 400);
  }
  const now = deps.now().toISOString();
  const { createdAt, created } = await keptCreatedAt(deps, keys.credential(tenantId, name), now);
  const sealed = await sealerOf(deps).seal(JSON.stringify(input.value), context(tenantId, name));
  const metadata: CredentialMetadata = {
    name,
    type: input.type,
    createdAt,
    updatedAt: now,
  };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.credential(tenantId, name), ...metadata, sealed },
    }),
  );
  return { metadata, created };
}

export async function listCredentials(
  deps: Deps,
  tenantId: string,
): Promise<{ items: CredentialMetadata[] }> {
  const { PK, SK } = keys.credentialPrefix(tenantId);
  const { Items = [] } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': PK, ':sk': SK },
      ProjectionExpression: '#n, #t, createdAt, updatedAt',
      ExpressionAttributeNames: { '#n': 'name', '#t': 'type' },
    }),
  );
  return {
    items: Items.map((item) =>
      stripKeys<CredentialMetadata>(item, ['name', 'type', 'createdAt', 'updatedAt']),
    ),
  };
}

export async function deleteCredential(deps: Deps, tenantId: string, name: string): Promise<void> {
  await deleteExisting(deps, keys.credential(tenantId, name), 'credential');
}

/** Opens a credential for a component; throws NotFound (or a type mismatch) without any secret in the message. */
export async function openCredential<T extends CredentialType>(
  deps: Deps,
  tenantId: string,
  name: string,
  type: T,
): Promise<ValueOf<T>> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.credential(tenantId, name) }),
  );
  if (!Item) throw new NotFound(`credential "${name}"`);
  if (Item.type !== type)
    throw new ValidationFailed([
      { path: 'credential', message: `"${name}" is a ${Item.type} credential, not ${type}` },
    ]);
  return JSON.parse(
    await sealerOf(deps).open(Item.sealed as SealedSecret, context(tenantId, name)),
  ) as ValueOf<T>;
}
