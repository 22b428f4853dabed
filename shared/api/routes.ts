// The HTTP API's route table: which handler module (functions/api/<handler>.ts) serves each route.
// Read by the CDK api stack (one Lambda per module) and by the local gateway.
export const apiHandlers = ['health', 'agents', 'recipes', 'executions', 'settings'] as const;
export type ApiHandlerName = (typeof apiHandlers)[number];

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: ApiHandlerName;
}

export const apiRoutes: ApiRoute[] = [
  { method: 'GET', path: '/v1/health', handler: 'health' },
  { method: 'GET', path: '/v1/ready', handler: 'health' },
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
  { method: 'GET', path: '/v1/executions', handler: 'executions' },
  { method: 'GET', path: '/v1/executions/{id}', handler: 'executions' },
  { method: 'GET', path: '/v1/settings', handler: 'settings' },
  { method: 'PUT', path: '/v1/settings', handler: 'settings' },
];

export const componentFunctions = ['http', 'ai', 'transform', 'score', 'finalize'] as const;
