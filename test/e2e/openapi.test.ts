// GET /v1/openapi.json: an OpenAPI 3.1 document of every route, from the zod schemas that validate requests.
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, inject, it } from 'vitest';
import { apiRoutes } from '../../shared/api/routes';

describe('GET /v1/openapi.json', () => {
  it('is public, valid OpenAPI 3.1, and documents every route with the schemas that validate it', async () => {
    const response = await fetch(`${inject('demo').baseUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document read field by field
    const document = (await response.json()) as any;
    expect(document.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(document));
    for (const route of apiRoutes) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
    const createTrigger = document.paths['/v1/triggers'].post;
    expect(createTrigger.requestBody.content['application/json'].schema).toMatchObject({
      required: ['recipeId'],
      properties: { prefix: { maxLength: 200 } },
      additionalProperties: false,
    });
    expect(createTrigger.security).toEqual([{ bearer: [] }]);
    expect(createTrigger.responses['422'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    const listExecutions = document.paths['/v1/executions'].get;
    expect(listExecutions.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'recipeId', 'status']),
    );
    expect(document.paths['/v1/health'].get.security).toEqual([]);
  });
});
