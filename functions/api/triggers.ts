// /v1/triggers: recipes bound to uploads.

import { checkFunctionSettings } from '../../shared/function-settings';
import { triggerInputSchema } from '../../shared/triggers/trigger-schema';
import { createTrigger, deleteTrigger, getTrigger, listTriggers } from '../../shared/triggers/triggers';
import { apiHandler, endpoint, json, noContent, pageQuery } from './endpoint';

checkFunctionSettings('api/triggers');

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/triggers',
    handler: endpoint({ role: 'editor', body: triggerInputSchema }, async ({ deps, tenantId, body }) =>
      json(201, await createTrigger(deps, tenantId, body)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/triggers',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listTriggers(deps, tenantId, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/triggers/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getTrigger(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/triggers/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteTrigger(deps, tenantId, params.id!);
      return noContent();
    }),
  },
]);
