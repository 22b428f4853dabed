// The OpenAPI 3.1 document of the HTTP API, generated from the route table the handler modules declare and the
// very zod schemas that validate each route's body and query.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';

export interface DocumentedRoute {
  method: string;
  path: string;
  public: boolean;
  spec?: { role: string; body?: z.ZodType; query?: z.ZodType };
}

const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const errorResponses: Record<string, string> = {
  '400': 'Malformed request (bad JSON, a bad query parameter)',
  '401': 'No or bad credentials',
  '403': 'The caller’s role does not allow this',
  '404': 'Not found, or another tenant’s',
  '409': 'Conflict, or an Idempotency-Key reused with another body',
  '413': 'Too large',
  '422': 'Valid JSON that breaks the rules; errors[] names each field',
  '429': 'Rate or concurrency limit; see Retry-After',
};

export function openApiDocument(routes: DocumentedRoute[]) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (rf_…) or a JWT from the configured issuer',
  });
  for (const route of routes) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const mutation = route.method !== 'GET';
    const role = route.spec?.role;
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: route.path,
      tags: [route.path.split('/')[2]!],
      ...(route.public
        ? { security: [] }
        : {
            security: [{ [bearer.name]: [] }],
            description: role && role !== 'any' ? `Needs the ${role} role.` : undefined,
          }),
      request: {
        ...(params.length > 0
          ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) }
          : {}),
        ...(route.spec?.query instanceof z.ZodObject ? { query: route.spec.query } : {}),
        ...(mutation && !route.public
          ? { headers: z.object({ 'idempotency-key': z.string().max(255).optional() }) }
          : {}),
        ...(route.spec?.body
          ? { body: { required: true, content: { 'application/json': { schema: route.spec.body } } } }
          : {}),
      },
      responses: {
        '2XX': { description: 'Success', content: { 'application/json': { schema: z.unknown() } } },
        ...Object.fromEntries(
          Object.entries(errorResponses)
            .filter(([status]) => !route.public || status === '400')
            .map(([status, description]) => [
              status,
              { description, content: { 'application/problem+json': { schema: problem } } },
            ]),
        ),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'recipeflow',
      version: '1',
      description:
        'Run AI agent recipes on AWS serverless. Lists take limit and an opaque cursor and return { items, nextCursor }.',
    },
  });
}
