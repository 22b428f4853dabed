// /v1/tenants: the platform operator onboards tenants, pages through them (plan, status, balance, running),
// changes a tenant's plan, and suspends or reactivates it.

import { checkFunctionSettings } from '../../shared/function-settings';
import { onboardingSchema } from '../../shared/tenants/onboarding-schema';
import {
  changeTenant,
  getTenantSummary,
  listTenantSummaries,
  tenantChangeSchema,
} from '../../shared/tenants/tenant-admin';
import { apiHandler, endpoint, json, pageQuery } from './endpoint';

checkFunctionSettings('api/tenants');

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/tenants',
    handler: endpoint({ role: 'platform', body: onboardingSchema }, async ({ deps, principal, body }) => {
      // Onboarding installs the example recipes, checked with the recipe schema: loaded here, not at start-up.
      const { onboardTenant } = await import('../../shared/tenants/onboarding');
      return json(201, await onboardTenant(deps, body, principal));
    }),
  },
  {
    method: 'GET',
    path: '/v1/tenants',
    handler: endpoint({ role: 'platform', query: pageQuery }, async ({ deps, query }) =>
      json(200, await listTenantSummaries(deps, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/tenants/{id}',
    handler: endpoint({ role: 'platform' }, async ({ deps, params }) =>
      json(200, await getTenantSummary(deps, params.id!)),
    ),
  },
  {
    method: 'PATCH',
    path: '/v1/tenants/{id}',
    handler: endpoint(
      { role: 'platform', body: tenantChangeSchema },
      async ({ deps, principal, params, body }) =>
        json(200, await changeTenant(deps, params.id!, body, principal)),
    ),
  },
]);
