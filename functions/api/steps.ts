// /v1/step-types: every step type a recipe may use, with its configuration's JSON Schema, price, defaults and
// an example — what an editor builds its forms and validation from. /v1/steps/test: one step tried on its own.
import { checkFunctionSettings } from '../../shared/function-settings';
import { stepTypeCatalog } from '../../shared/steps/catalog';
import { stepTestSchema, testStep } from '../../shared/steps/test-step';
import { apiHandler, endpoint, json } from './endpoint';

checkFunctionSettings('api/steps');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/step-types',
    handler: endpoint({ role: 'viewer' }, async () => json(200, { items: stepTypeCatalog() })),
  },
  {
    method: 'POST',
    path: '/v1/steps/test',
    handler: endpoint({ role: 'operator', body: stepTestSchema }, async ({ deps, tenantId, body }) =>
      json(200, await testStep(deps, tenantId, body)),
    ),
  },
]);
