// GET /v1/openapi.json: the OpenAPI 3.1 document, generated from every API module's routes and zod schemas by
// `npm run docs` (functions/api/openapi-document.ts) and served as written, so this function bundles neither
// the schemas nor the generator.
import document from '../../docs/openapi.json' with { type: 'json' };
import { checkFunctionSettings } from '../../shared/function-settings';
import { json, publicApiHandler } from './router';

checkFunctionSettings('api/openapi');

export const handler = publicApiHandler([
  {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: async () => json(200, document),
  },
]);
