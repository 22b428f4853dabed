// The middy stack every API function shares (logging and metrics, conditional GETs, problem+json) around
// middy's router. Public routes (health, the OpenAPI document) use it as it is; endpoint.ts adds authentication
// and the rest for every other route, with zod to parse them, which a public function does not bundle.
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { $ZodType } from 'zod/v4/core';
import type { Role } from '../../shared/auth/principal';
import { observed } from '../../shared/observability/observability';
import { conditionalGet } from './middleware/conditional-get';
import { problemJson } from './middleware/problem-json';

export type Result = APIGatewayProxyStructuredResultV2;
type Stack = middy.MiddyfiedHandler<APIGatewayProxyEventV2, Result>;

export interface RouteSpec {
  role: Role | 'platform' | 'any';
  body?: $ZodType;
  query?: $ZodType;
}

export type RouteHandler = ((event: APIGatewayProxyEventV2) => Promise<Result>) & { spec?: RouteSpec };

export interface RouteDefinition {
  method: Method;
  path: string;
  handler: RouteHandler;
}

export function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function noContent(): Result {
  return { statusCode: 204, headers: {} };
}

/** A handler for routes anyone may call. */
export function publicApiHandler(routes: RouteDefinition[]) {
  return routedHandler(routes);
}

/** The shared stack around the routes, with `guard` adding what the routes need before them. */
export function routedHandler(routes: RouteDefinition[], guard?: (stack: Stack) => Stack) {
  const router = httpRouterHandler<APIGatewayProxyEventV2, Result>(routes);
  let stack: Stack = middy<APIGatewayProxyEventV2, Result>().use(observed());
  if (guard) stack = guard(stack);
  stack.use(conditionalGet());
  // Used last so its onError runs first: the audit and idempotency layers then see the problem's status.
  const handler = stack.use(problemJson()).handler(router);
  return Object.assign(handler, {
    routes: routes.map(({ method, path, handler: route }) => ({
      method,
      path,
      public: !guard,
      spec: route.spec,
    })),
  });
}
