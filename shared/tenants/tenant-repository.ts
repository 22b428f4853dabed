// Tenants (seeds call them customers). Onboarding through the API comes with credits and plans.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  status: 'active' | 'suspended';
  createdAt: string;
}

export async function putTenantIfMissing(deps: Deps, tenant: Tenant): Promise<void> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...keys.tenant(tenant.id), ...tenant },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

export async function getTenant(deps: Deps, tenantId: string): Promise<Tenant | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.tenant(tenantId) }),
  );
  return Item ? stripKeys<Tenant>(Item) : undefined;
}
