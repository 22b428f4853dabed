// /v1/recipes: recipes, their versions and compiled definitions. Reads are recipe-records.ts's; what writes a
// version (the recipe schema, validation, the compiler) and the templates are imported by the first request that
// needs them, so the cold start of a read does not load them.
import * as z from 'zod/mini';
import { checkFunctionSettings } from '../../shared/function-settings';
import {
  deleteRecipe,
  getRecipe,
  listRecipes,
  listRecipeVersions,
} from '../../shared/recipes/recipe-records';
import { parseWith } from '../../shared/validation';
import { apiHandler, endpoint, json, noContent, pageQuery, readJsonBody } from './endpoint';

checkFunctionSettings('api/recipes');

const versionQuery = z.lazy(() =>
  z.object({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) }),
);
const recipes = () => import('../../shared/recipes/recipes');
const templates = () => import('../../shared/recipes/templates');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/recipes',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listRecipes(deps, tenantId, query)),
    ),
  },
  {
    method: 'POST',
    path: '/v1/recipes',
    // A recipe definition, or { "templateId" } to install a template as a new recipe of the tenant.
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, event }) => {
      const body = readJsonBody(event);
      if (body && typeof body === 'object' && 'templateId' in body) {
        const { installTemplate, installTemplateSchema } = await templates();
        return json(201, await installTemplate(deps, tenantId, parseWith(installTemplateSchema, body)));
      }
      return json(201, await (await recipes()).createRecipe(deps, tenantId, body));
    }),
  },
  {
    method: 'GET',
    path: '/v1/templates',
    handler: endpoint({ role: 'viewer' }, async () => json(200, (await templates()).listTemplates())),
  },
  {
    method: 'GET',
    path: '/v1/recipes/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getRecipe(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'PUT',
    path: '/v1/recipes/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params, event }) =>
      json(200, await (await recipes()).updateRecipe(deps, tenantId, params.id!, readJsonBody(event))),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/recipes/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteRecipe(deps, tenantId, params.id!);
      return noContent();
    }),
  },
  {
    method: 'GET',
    path: '/v1/recipes/{id}/versions',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, params, query }) =>
      json(200, await listRecipeVersions(deps, tenantId, params.id!, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/recipes/{id}/definition',
    handler: endpoint({ role: 'viewer', query: versionQuery }, async ({ deps, tenantId, params, query }) =>
      json(200, await (await recipes()).getRecipeDefinition(deps, tenantId, params.id!, query.version)),
    ),
  },
]);
