// /v1/api-keys: a tenant admin's keys; the secret is shown once, at creation. /v1/me: the caller itself.
import * as z from 'zod/mini';
import { createApiKey, listApiKeys, revokeApiKey } from '../../shared/auth/api-keys';
import { roles } from '../../shared/auth/principal';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, noContent, pageQuery } from './endpoint';

checkFunctionSettings('api/api-keys');

const keyInput = z.lazy(() =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    role: z.enum(roles),
  }),
);

export const handler = apiHandler([
  {
    // Who the credentials belong to, so a client (the web console) shows only what the role may do.
    method: 'GET',
    path: '/v1/me',
    handler: endpoint({ role: 'any' }, async ({ principal }) =>
      json(200, {
        tenantId: principal.tenantId,
        role: principal.role,
        keyId: principal.keyId,
        ...(principal.plan ? { plan: principal.plan } : {}),
      }),
    ),
  },
  {
    method: 'GET',
    path: '/v1/api-keys',
    handler: endpoint({ role: 'admin', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listApiKeys(deps, tenantId, query)),
    ),
  },
  {
    method: 'POST',
    path: '/v1/api-keys',
    handler: endpoint({ role: 'admin', body: keyInput }, async ({ deps, tenantId, body }) =>
      json(201, await createApiKey(deps, { tenantId, ...body })),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    handler: endpoint({ role: 'admin' }, async ({ deps, tenantId, params }) => {
      await revokeApiKey(deps, tenantId, params.id!);
      return noContent();
    }),
  },
]);
