// Onboarding: the tenant, its subscription (plan + credit account with the plan's credits) and a first admin
// API key, written in one transaction so a failure leaves nothing behind.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { auditIntentPut } from '../audit/audit-log';
import { newApiKey } from '../auth/api-keys';
import type { Principal } from '../auth/principal';
import { openAccountItems } from '../credits/credits';
import { planIds, plans } from '../credits/plans';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { newId } from '../ids';
import type { Tenant } from './tenant-repository';

export const onboardingSchema = z
  .object({ name: z.string().trim().min(1).max(200), plan: z.enum(planIds).default('free') })
  .strict();

export async function onboardTenant(deps: Deps, input: z.infer<typeof onboardingSchema>, actor: Principal) {
  const tenant: Tenant = {
    id: newId('ten'),
    name: input.name,
    plan: input.plan,
    status: 'active',
    createdAt: deps.now().toISOString(),
  };
  const apiKey = newApiKey(deps, { tenantId: tenant.id, role: 'admin', name: 'first admin key' });
  await deps.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: deps.config.TABLE_NAME,
            Item: { ...keys.tenant(tenant.id), ...tenant },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...openAccountItems(deps, tenant.id, input.plan),
        { Put: apiKey.put },
        auditIntentPut(deps, tenant.id, {
          actor: actor.keyId,
          role: actor.role,
          action: 'tenant.onboarded',
          resource: { type: 'tenant', id: tenant.id },
          result: 'success',
        }),
      ],
    }),
  );
  const plan = plans[input.plan];
  return {
    tenant,
    subscription: { plan: plan.id, monthlyCredits: plan.monthlyCredits, startedAt: tenant.createdAt },
    apiKey: { ...apiKey.metadata, key: apiKey.key },
  };
}
