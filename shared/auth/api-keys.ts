// API keys: random secrets shown once, stored only as SHA-256 hashes (high-entropy keys need no slow hash).
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { Unauthorized } from '../errors';
import { newId } from '../ids';
import type { Principal } from './principal';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  deps: Deps,
  input: { tenantId: string; role: Principal['role']; name: string },
): Promise<{ id: string; key: string }> {
  const id = newId('key');
  const key = `rf_${randomBytes(24).toString('base64url')}`;
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.apiKey(hashApiKey(key)),
        id,
        tenantId: input.tenantId,
        role: input.role,
        name: input.name,
        createdAt: deps.now().toISOString(),
      },
    }),
  );
  return { id, key };
}

export async function authenticateApiKey(deps: Deps, key: string | undefined): Promise<Principal> {
  if (!key || key.length > 200) throw new Unauthorized();
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.apiKey(hashApiKey(key)) }),
  );
  if (!Item || Item.revokedAt) throw new Unauthorized();
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
