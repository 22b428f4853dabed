// /v1/agents
import {
  agentInputSchema,
  createAgent,
  deleteAgent,
  getAgent,
  listAgents,
  updateAgent,
} from '../../shared/agents/agents';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, noContent, pageQuery } from './endpoint';

checkFunctionSettings('api/agents');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/agents',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listAgents(deps, tenantId, query)),
    ),
  },
  {
    method: 'POST',
    path: '/v1/agents',
    handler: endpoint({ role: 'editor', body: agentInputSchema }, async ({ deps, tenantId, body }) =>
      json(201, await createAgent(deps, tenantId, body)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/agents/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getAgent(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'PUT',
    path: '/v1/agents/{id}',
    handler: endpoint({ role: 'editor', body: agentInputSchema }, async ({ deps, tenantId, params, body }) =>
      json(200, await updateAgent(deps, tenantId, params.id!, body)),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/agents/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteAgent(deps, tenantId, params.id!);
      return noContent();
    }),
  },
]);
