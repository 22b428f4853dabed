// Tenants (seeds call them customers): id, name, plan and status. Every tenant item also sits in one
// platform-wide index partition, written once at onboarding and on the rare plan or status change, which the
// platform operator pages through (GET /v1/tenants).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';

export const tenantStatuses = ['active', 'suspended'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  status: TenantStatus;
  createdAt: string;
  updatedAt?: string;
  /** Why the tenant is suspended, when it is. */
  reason?: string;
}

const ORDER = ['id', 'name', 'plan', 'status', 'reason', 'createdAt', 'updatedAt'];

/** The tenant item with its place in the platform's tenant index. */
export function tenantItem(tenant: Tenant) {
  return { ...keys.tenant(tenant.id), GSI1PK: keys.allTenants, GSI1SK: tenant.id, ...tenant };
}

/** Puts the tenant when it is not there yet (benchmarks and tests that need a tenant without onboarding). */
export async function putTenantIfMissing(deps: Deps, tenant: Tenant): Promise<void> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: tenantItem(tenant),
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
  return Item ? stripKeys<Tenant>(Item, ORDER) : undefined;
}

export function listTenants(deps: Deps, page: PageRequest) {
  return queryPartition(deps, { pk: keys.allTenants, index: 'GSI1' }, page, (item) =>
    stripKeys<Tenant>(item, ORDER),
  );
}
