// The HTTP API's route table: which handler module (functions/api/<handler>.ts) serves each route.
// Read by the CDK api stack (one Lambda per module) and by the local gateway.
import { lambdaStepTypes } from '../steps/registry';

export const apiHandlers = [
  'health',
  'openapi',
  'tenants',
  'api-keys',
  'credits',
  'audit',
  'credentials',
  'agents',
  'recipes',
  'executions',
  'reviews',
  'messages',
  'artifacts',
  'schedules',
  'triggers',
  'settings',
  'steps',
  'connections',
] as const;
export type ApiHandlerName = (typeof apiHandlers)[number];

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: ApiHandlerName;
}

/** Routes that answer without credentials (no authorizer in front of them). */
export const publicHandlers: ReadonlySet<ApiHandlerName> = new Set(['health', 'openapi']);

export const apiRoutes: ApiRoute[] = [
  { method: 'GET', path: '/v1/health', handler: 'health' },
  { method: 'GET', path: '/v1/step-types', handler: 'steps' },
  { method: 'POST', path: '/v1/steps/test', handler: 'steps' },
  { method: 'GET', path: '/v1/ready', handler: 'health' },
  { method: 'GET', path: '/v1/openapi.json', handler: 'openapi' },
  { method: 'POST', path: '/v1/tenants', handler: 'tenants' },
  { method: 'GET', path: '/v1/tenants', handler: 'tenants' },
  { method: 'GET', path: '/v1/tenants/{id}', handler: 'tenants' },
  { method: 'PATCH', path: '/v1/tenants/{id}', handler: 'tenants' },
  { method: 'GET', path: '/v1/templates', handler: 'recipes' },
  { method: 'GET', path: '/v1/me', handler: 'api-keys' },
  { method: 'GET', path: '/v1/api-keys', handler: 'api-keys' },
  { method: 'POST', path: '/v1/api-keys', handler: 'api-keys' },
  { method: 'DELETE', path: '/v1/api-keys/{id}', handler: 'api-keys' },
  { method: 'GET', path: '/v1/plans', handler: 'credits' },
  { method: 'GET', path: '/v1/credits', handler: 'credits' },
  { method: 'GET', path: '/v1/credits/transactions', handler: 'credits' },
  { method: 'POST', path: '/v1/credits/grants', handler: 'credits' },
  { method: 'GET', path: '/v1/audit', handler: 'audit' },
  { method: 'GET', path: '/v1/audit/verify', handler: 'audit' },
  { method: 'GET', path: '/v1/credentials', handler: 'credentials' },
  { method: 'PUT', path: '/v1/credentials/{name}', handler: 'credentials' },
  { method: 'DELETE', path: '/v1/credentials/{name}', handler: 'credentials' },
  { method: 'GET', path: '/v1/connections', handler: 'connections' },
  { method: 'GET', path: '/v1/connections/{name}', handler: 'connections' },
  { method: 'PUT', path: '/v1/connections/{name}', handler: 'connections' },
  { method: 'DELETE', path: '/v1/connections/{name}', handler: 'connections' },
  { method: 'GET', path: '/v1/agents', handler: 'agents' },
  { method: 'POST', path: '/v1/agents', handler: 'agents' },
  { method: 'GET', path: '/v1/agents/{id}', handler: 'agents' },
  { method: 'PUT', path: '/v1/agents/{id}', handler: 'agents' },
  { method: 'DELETE', path: '/v1/agents/{id}', handler: 'agents' },
  { method: 'GET', path: '/v1/recipes', handler: 'recipes' },
  { method: 'POST', path: '/v1/recipes', handler: 'recipes' },
  { method: 'GET', path: '/v1/recipes/{id}', handler: 'recipes' },
  { method: 'PUT', path: '/v1/recipes/{id}', handler: 'recipes' },
  { method: 'DELETE', path: '/v1/recipes/{id}', handler: 'recipes' },
  { method: 'GET', path: '/v1/recipes/{id}/versions', handler: 'recipes' },
  { method: 'GET', path: '/v1/recipes/{id}/definition', handler: 'recipes' },
  { method: 'POST', path: '/v1/recipes/{id}/executions', handler: 'executions' },
  { method: 'POST', path: '/v1/executions/{id}/cancel', handler: 'executions' },
  { method: 'POST', path: '/v1/executions/{id}/redrive', handler: 'executions' },
  { method: 'GET', path: '/v1/executions', handler: 'executions' },
  { method: 'GET', path: '/v1/executions/{id}', handler: 'executions' },
  { method: 'GET', path: '/v1/executions/{id}/steps', handler: 'executions' },
  { method: 'GET', path: '/v1/executions/{id}/steps/{stepId}/output', handler: 'executions' },
  { method: 'GET', path: '/v1/reviews', handler: 'reviews' },
  { method: 'GET', path: '/v1/reviews/{id}', handler: 'reviews' },
  { method: 'POST', path: '/v1/reviews/{id}/decision', handler: 'reviews' },
  { method: 'GET', path: '/v1/messages', handler: 'messages' },
  { method: 'POST', path: '/v1/recipes/{id}/schedules', handler: 'schedules' },
  { method: 'GET', path: '/v1/recipes/{id}/schedules', handler: 'schedules' },
  { method: 'DELETE', path: '/v1/schedules/{id}', handler: 'schedules' },
  { method: 'POST', path: '/v1/triggers', handler: 'triggers' },
  { method: 'GET', path: '/v1/triggers', handler: 'triggers' },
  { method: 'GET', path: '/v1/triggers/{id}', handler: 'triggers' },
  { method: 'DELETE', path: '/v1/triggers/{id}', handler: 'triggers' },
  { method: 'POST', path: '/v1/artifacts', handler: 'artifacts' },
  { method: 'GET', path: '/v1/artifacts', handler: 'artifacts' },
  { method: 'GET', path: '/v1/artifacts/{id}', handler: 'artifacts' },
  { method: 'GET', path: '/v1/artifacts/{id}/download', handler: 'artifacts' },
  { method: 'GET', path: '/v1/artifacts/{id}/sample', handler: 'artifacts' },
  { method: 'DELETE', path: '/v1/artifacts/{id}', handler: 'artifacts' },
  { method: 'GET', path: '/v1/settings', handler: 'settings' },
  { method: 'PUT', path: '/v1/settings', handler: 'settings' },
];

/** The functions a recipe state machine invokes: every step type that runs a Lambda, and Finalize. */
// Besides each Lambda step type's: Finalize (the end of every run), and the two ends of a map over an artifact,
// which read and write whole files and get the memory and time for it.
export const componentFunctions = [...lambdaStepTypes, 'finalize', 'artifact-map'] as const;
