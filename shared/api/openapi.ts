// The OpenAPI 3.1 document of the HTTP API, generated from the route table the handler modules declare and the
// very zod schemas that validate each route's body and query. zod writes each schema's JSON Schema (draft
// 2020-12, OpenAPI 3.1's dialect), as the request is read: a field with a default may be left out.
import { type $ZodType, toJSONSchema } from 'zod/v4/core';

export interface DocumentedRoute {
  method: string;
  path: string;
  public: boolean;
  spec?: { role: string; body?: $ZodType; query?: $ZodType };
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** RFC 9457 problem details: every error's body. */
const problem: JsonSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
        required: ['path', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
  description: 'RFC 9457 problem details',
};

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

function jsonSchema(schema: $ZodType): JsonSchema {
  const { $schema: _, ...rest } = toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

interface Parameter {
  schema: JsonSchema;
  required: boolean;
  name: string;
  in: 'path' | 'query' | 'header';
}

function parameters(route: DocumentedRoute): Parameter[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map(
    (m): Parameter => ({ schema: { type: 'string' }, required: true, name: m[1]!, in: 'path' }),
  );
  const query = route.spec?.query ? jsonSchema(route.spec.query) : undefined;
  const queried = Object.entries(query?.properties ?? {}).map(
    ([name, schema]): Parameter => ({
      schema,
      required: query?.required?.includes(name) ?? false,
      name,
      in: 'query',
    }),
  );
  const idempotency: Parameter[] =
    route.method !== 'GET' && !route.public
      ? [
          {
            schema: { type: 'string', maxLength: 255 },
            required: false,
            name: 'idempotency-key',
            in: 'header',
          },
        ]
      : [];
  return [...path, ...queried, ...idempotency];
}

function operation(route: DocumentedRoute) {
  const role = route.spec?.role;
  const params = parameters(route);
  return {
    tags: [route.path.split('/')[2]!],
    ...(route.public
      ? { security: [] }
      : {
          security: [{ bearer: [] }],
          ...(role && role !== 'any' ? { description: `Needs the ${role} role.` } : {}),
        }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.spec?.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.spec.body) } },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(errorResponses)
          .filter(([status]) => !route.public || status === '400')
          .map(([status, description]) => [
            status,
            {
              description,
              content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          ]),
      ),
      '2XX': { description: 'Success', content: { 'application/json': { schema: {} } } },
    },
  };
}

export function openApiDocument(routes: DocumentedRoute[]) {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'recipeflow',
      version: '1',
      description:
        'Run AI agent recipes on AWS serverless. Lists take limit and an opaque cursor and return { items, nextCursor }.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (rf_…) or a JWT from the configured issuer',
        },
      },
      schemas: { Problem: problem },
    },
    paths,
    webhooks: {},
  };
}
