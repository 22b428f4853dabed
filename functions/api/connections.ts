// /v1/connections: named base URLs with default headers and a credential, for http steps.
import { connectionInputSchema } from '../../shared/connections/connection-schema';
import {
  deleteConnection,
  getConnection,
  listConnections,
  putConnection,
} from '../../shared/connections/connections';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, noContent } from './endpoint';

checkFunctionSettings('api/connections');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/connections',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId }) =>
      json(200, await listConnections(deps, tenantId)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/connections/{name}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getConnection(deps, tenantId, params.name!)),
    ),
  },
  {
    method: 'PUT',
    path: '/v1/connections/{name}',
    handler: endpoint(
      { role: 'editor', body: connectionInputSchema },
      async ({ deps, tenantId, params, body }) => {
        const { connection, created } = await putConnection(deps, tenantId, params.name!, body);
        return json(created ? 201 : 200, connection);
      },
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/connections/{name}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteConnection(deps, tenantId, params.name!);
      return noContent();
    }),
  },
]);
