// /v1/settings: the tenant's settings.

import { checkFunctionSettings } from '../../shared/function-settings';
import { getSettings, putSettings } from '../../shared/settings/settings';
import { settingsSchema } from '../../shared/settings/settings-schema';
import { apiHandler, endpoint, json } from './endpoint';

checkFunctionSettings('api/settings');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/settings',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId }) =>
      json(200, await getSettings(deps, tenantId)),
    ),
  },
  {
    method: 'PUT',
    path: '/v1/settings',
    handler: endpoint({ role: 'admin', body: settingsSchema }, async ({ deps, tenantId, body }) =>
      json(200, await putSettings(deps, tenantId, body)),
    ),
  },
]);
