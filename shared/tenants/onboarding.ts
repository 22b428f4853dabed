// Onboarding: the tenant, its subscription (plan + credit account with the plan's credits) and a first admin
// API key, written in one transaction so a failure leaves nothing behind. With `withExamples`, the templates
// (agent "The Hunter" and its three recipes) are then installed as the tenant's own recipes.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditIntentPut } from '../audit/audit-log';
import { newApiKey } from '../auth/api-keys';
import type { Principal } from '../auth/principal';
import { openAccountItems } from '../credits/credits';
import { plans } from '../credits/plans';
import type { Deps } from '../deps';
import { newId } from '../ids';
import { installExamples } from '../recipes/templates';
import type { OnboardingInput } from './onboarding-schema';
import { type Tenant, tenantItem } from './tenant-repository';

export async function onboardTenant(
  deps: Deps,
  input: OnboardingInput,
  actor: Principal,
  /** Only the local runtime names its demo tenant; the API always makes a new id. */
  id = newId('ten'),
) {
  const { plan: planId = 'free', withExamples = false } = input;
  const tenant: Tenant = {
    id,
    name: input.name,
    plan: planId,
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
            Item: tenantItem(tenant),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...openAccountItems(deps, tenant.id, planId),
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
  if (withExamples) await installExamples(deps, tenant.id);
  const plan = plans[planId];
  return {
    tenant,
    subscription: { plan: plan.id, monthlyCredits: plan.monthlyCredits, startedAt: tenant.createdAt },
    apiKey: { ...apiKey.metadata, key: apiKey.key },
  };
}
