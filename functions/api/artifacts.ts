// /v1/artifacts: uploads and downloads through presigned URLs, with a sample view of tabular files.
import { artifactInputSchema } from '../../shared/artifacts/artifact-schema';
import {
  createArtifact,
  deleteArtifact,
  downloadArtifact,
  getArtifact,
  listArtifacts,
  sampleArtifact,
} from '../../shared/artifacts/artifacts';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, noContent, pageQuery } from './endpoint';

checkFunctionSettings('api/artifacts');

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/artifacts',
    handler: endpoint({ role: 'operator', body: artifactInputSchema }, async ({ deps, tenantId, body }) =>
      json(201, await createArtifact(deps, tenantId, body)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/artifacts',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listArtifacts(deps, tenantId, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/artifacts/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getArtifact(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/artifacts/{id}/download',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await downloadArtifact(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/artifacts/{id}/sample',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await sampleArtifact(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/artifacts/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteArtifact(deps, tenantId, params.id!);
      return noContent();
    }),
  },
]);
