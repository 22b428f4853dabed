// /v1/step-types: every step type a recipe may use, with its configuration's JSON Schema, price, defaults and
// an example — what an editor builds its forms and validation from: generated from the step registry by
// `npm run docs` (shared/steps/catalog.ts) into docs/step-types.json and served as written (a test keeps the two
// alike), a chunk of its own loaded by the first such request. /v1/steps/test: one step tried on its own, with the
// registry's schemas, imported by the first test.
import { checkFunctionSettings } from '../../shared/function-settings';
import { stepTestSchema } from '../../shared/steps/test-step-schema';
import { apiHandler, endpoint, json } from './endpoint';

checkFunctionSettings('api/steps');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/step-types',
    handler: endpoint({ role: 'viewer' }, async () => {
      const { default: stepTypes } = await import('../../docs/step-types.json', { with: { type: 'json' } });
      return json(200, stepTypes);
    }),
  },
  {
    method: 'POST',
    path: '/v1/steps/test',
    handler: endpoint({ role: 'operator', body: stepTestSchema }, async ({ deps, tenantId, body }) => {
      const { testStep } = await import('../../shared/steps/test-step');
      return json(200, await testStep(deps, tenantId, body));
    }),
  },
]);
