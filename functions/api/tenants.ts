// POST /v1/tenants: the platform admin onboards a tenant (tenant, subscription, first admin key).
import { onboardingSchema, onboardTenant } from '../../shared/tenants/onboarding';
import { apiHandler, endpoint, json } from './endpoint';

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/tenants',
    handler: endpoint({ role: 'platform', body: onboardingSchema }, async ({ deps, principal, body }) =>
      json(201, await onboardTenant(deps, body, principal)),
    ),
  },
]);
