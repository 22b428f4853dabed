// /v1/credentials: tenant secrets by name. Reads return metadata only; the value never leaves the store.
import { credentialInputSchema } from '../../shared/credentials/credential-schema';
import { deleteCredential, listCredentials, putCredential } from '../../shared/credentials/credentials';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, noContent } from './endpoint';

checkFunctionSettings('api/credentials');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/credentials',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId }) =>
      json(200, await listCredentials(deps, tenantId)),
    ),
  },
  {
    method: 'PUT',
    path: '/v1/credentials/{name}',
    handler: endpoint(
      { role: 'editor', body: credentialInputSchema },
      async ({ deps, tenantId, params, body }) => {
        const { metadata, created } = await putCredential(deps, tenantId, params.name!, body);
        return json(created ? 201 : 200, metadata);
      },
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/credentials/{name}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteCredential(deps, tenantId, params.name!);
      return noContent();
    }),
  },
]);
