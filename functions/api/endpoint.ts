// Authenticated API handlers: the router's stack (router.ts) with authentication, the rate limit, audit and
// idempotency, and `endpoint`, which checks the route's role and parses its body and query with zod before
// calling the domain. Schemas are written with zod/mini (a fraction of classic zod's bytes and start-up time).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodType, $ZodUnknown, output } from 'zod/v4/core';
import { hasRole, type Principal, type Role } from '../../shared/auth/principal';
import { jsonBodyProblems } from '../../shared/data/json-values';
import { type Deps, getDeps } from '../../shared/deps';
import { ContentTooLarge, Forbidden, ValidationFailed } from '../../shared/errors';
import { parseWith } from '../../shared/validation';
import { auditMutations } from './middleware/audit';
import { type AuthenticatedEvent, authenticate } from './middleware/authenticate';
import { idempotency } from './middleware/idempotency';
import { rateLimit } from './middleware/rate-limit';
import { type Result, type RouteDefinition, type RouteHandler, routedHandler } from './router';

export { json, noContent, type RouteDefinition, type RouteSpec } from './router';

const MAX_BODY_BYTES = 1024 * 1024;

export interface EndpointContext<B, Q> {
  deps: Deps;
  principal: Principal;
  tenantId: string;
  body: B;
  query: Q;
  params: Record<string, string>;
  event: APIGatewayProxyEventV2;
}

interface EndpointOptions<B extends $ZodType, Q extends $ZodType> {
  /** The least role allowed; `any` admits every authenticated principal, the platform admin included. */
  role: Role | 'platform' | 'any';
  body?: B;
  query?: Q;
}

export function endpoint<B extends $ZodType = $ZodUnknown, Q extends $ZodType = $ZodUnknown>(
  options: EndpointOptions<B, Q>,
  run: (ctx: EndpointContext<output<B>, output<Q>>) => Promise<Result>,
): RouteHandler {
  const handle = async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const { principal } = event as AuthenticatedEvent;
    if (options.role !== 'any' && !hasRole(principal, options.role)) {
      throw new Forbidden(`this action needs the ${options.role} role`);
    }
    const params = checkPathParameters(event.pathParameters);
    if (options.body && !event.body) {
      // An empty body is a mistake, never "everything at its default" (a PUT would wipe what is there).
      throw new ValidationFailed([{ path: 'body', message: 'is required (a JSON object)' }], 400);
    }
    const body = options.body ? parseWith(options.body, readJsonBody(event)) : undefined;
    const query = options.query
      ? parseWith(options.query, event.queryStringParameters ?? {}, { prefix: 'query', status: 400 })
      : undefined;
    return run({
      deps: getDeps(),
      principal,
      tenantId: principal.tenantId,
      body: body as output<B>,
      query: query as output<Q>,
      params,
      event,
    });
  };
  // What the OpenAPI document says of the route: the same schemas that validate it.
  return Object.assign(handle, { spec: { role: options.role, body: options.body, query: options.query } });
}

/** Ids and names in paths are short: a longer one is a 400 naming it, not a DynamoDB key error. */
const MAX_PATH_PARAMETER = 200;

function checkPathParameters(raw: Record<string, string | undefined> | undefined): Record<string, string> {
  const params = (raw ?? {}) as Record<string, string>;
  const errors = Object.entries(params)
    .filter(([, value]) => value.length === 0 || value.length > MAX_PATH_PARAMETER)
    .map(([name]) => ({ path: `path.${name}`, message: `must be 1 to ${MAX_PATH_PARAMETER} characters` }));
  if (errors.length > 0) throw new ValidationFailed(errors, 400);
  return params;
}

export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new ContentTooLarge(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (raw.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ValidationFailed([{ path: 'body', message: 'is not valid JSON' }], 400);
  }
  // Valid JSON that could not be kept exactly (see shared/data/json-values.ts) is refused, naming the field.
  const problems = jsonBodyProblems(raw, body);
  if (problems.length > 0) throw new ValidationFailed(problems);
  return body;
}

/** The paging parameters of every list, as fields a list's own query adds to. */
export const pageFields = () => ({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100))),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

/**
 * A list's query, paging alone. Like every schema an API module defines for its routes, built by the first request
 * that parses it (`z.lazy`): a cold start builds none of them, and a request only its route's.
 */
export const pageQuery = z.lazy(() => z.object(pageFields()));

/** An API function's handler: its routes behind authentication, the rate limit, audit and idempotency. */
export function apiHandler(routes: RouteDefinition[]) {
  return routedHandler(routes, (stack) =>
    stack.use(authenticate()).use(rateLimit()).use(auditMutations()).use(idempotency()),
  );
}
