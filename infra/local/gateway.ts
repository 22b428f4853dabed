// The local gateway: turns HTTP requests into API Gateway HTTP API (v2) events for the same handler modules
// the cloud runs as Lambdas, and their results back into HTTP responses.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApiHandlerName, type ApiRoute, apiRoutes, publicHandlers } from '../../shared/api/routes';
import { AUTHORIZER_TTL_SECONDS, IDENTITY_HEADER } from '../../shared/auth/identity';
import { apiCors } from '../console';
import { invokeAs } from './lambda-context';

const MAX_BODY_BYTES = 6 * 1024 * 1024; // the Lambda request payload limit
type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute extends ApiRoute {
  pattern: RegExp;
  names: string[];
}

const compiledRoutes: CompiledRoute[] = apiRoutes.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
});

type Authorizer = (event: unknown, context: unknown) => Promise<{ context?: Record<string, string> }>;
type ConsoleHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => void;

export interface GatewayOptions {
  serveConsole?: ConsoleHandler;
  /** How long an authorizer answer is reused for the same identity; the API stack's TTL unless told. */
  authorizerTtlSeconds?: number;
  now?: () => number;
}

export function createGateway(
  loadHandler: (name: ApiHandlerName) => Promise<ApiHandler>,
  authorizer: () => Promise<Authorizer>,
  { serveConsole, authorizerTtlSeconds = AUTHORIZER_TTL_SECONDS, now = Date.now }: GatewayOptions = {},
): Server {
  const authorize = cachedAuthorizer(authorizer, authorizerTtlSeconds * 1000, now);
  return createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    // The API is everything under /v1/; the rest is the web console (CloudFront's part in the cloud).
    if (serveConsole && pathname !== '/v1' && !pathname.startsWith('/v1/'))
      return serveConsole(req, res, pathname);
    if (answerCors(req, res)) return;
    handle(req, res, loadHandler, authorize).catch(() => {
      if (!res.headersSent) sendProblem(res, 500, 'Internal Server Error', 'the gateway failed');
    });
  });
}

/**
 * As the HTTP API's CORS configuration does: a preflight is answered by the gateway itself (no authorizer,
 * no handler), and any cross-origin request's answer names the origins, headers and exposed headers allowed.
 */
function answerCors(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.headers.origin) return false;
  res.setHeader('access-control-allow-origin', apiCors.allowOrigins.join(','));
  res.setHeader('access-control-expose-headers', apiCors.exposeHeaders.join(','));
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.writeHead(204, {
    'access-control-allow-methods': apiCors.allowMethods.join(','),
    'access-control-allow-headers': apiCors.allowHeaders.join(','),
    'access-control-max-age': String(apiCors.maxAgeSeconds),
  });
  res.end();
  return true;
}

type AuthorizerContext = Record<string, string>;

/** Most answers kept at once; the oldest goes first beyond it (API Gateway's cache is bounded too). */
const AUTHORIZER_CACHE_ENTRIES = 10_000;

/**
 * As API Gateway caches a Lambda authorizer's answer: keyed by the identity source's value (the Authorization
 * header, whatever the route), reused until the TTL runs out, so a revoked key or a suspended tenant is
 * refused within the TTL, not at once. An authorizer that throws is not cached (API Gateway answers 500).
 */
function cachedAuthorizer(authorizer: () => Promise<Authorizer>, ttlMs: number, now: () => number) {
  const answers = new Map<string, { context: AuthorizerContext; expires: number }>();
  return async (event: APIGatewayProxyEventV2): Promise<AuthorizerContext> => {
    const identity = event.headers[IDENTITY_HEADER] ?? '';
    const cached = answers.get(identity);
    if (cached && cached.expires > now()) return cached.context;
    answers.delete(identity);
    const result = await invokeAs('recipeflow-authorizer', await authorizer(), authorizerEvent(event));
    const context = result.context ?? {};
    if (ttlMs > 0) {
      if (answers.size >= AUTHORIZER_CACHE_ENTRIES) answers.delete(answers.keys().next().value!);
      answers.set(identity, { context, expires: now() + ttlMs });
    }
    return context;
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  loadHandler: (name: ApiHandlerName) => Promise<ApiHandler>,
  authorize: (event: APIGatewayProxyEventV2) => Promise<AuthorizerContext>,
) {
  const url = new URL(req.url ?? '/', 'http://local');
  const candidates = compiledRoutes.filter((r) => r.pattern.test(url.pathname));
  const route = candidates.find((r) => r.method === req.method);
  if (!route) {
    if (candidates.length > 0)
      return sendProblem(res, 405, 'Method Not Allowed', `${req.method} is not allowed here`);
    return sendProblem(res, 404, 'Not Found', `no route for ${url.pathname}`);
  }
  const body = await readBody(req);
  if (body === null)
    return sendProblem(
      res,
      413,
      'Content Too Large',
      `request bodies are limited to ${MAX_BODY_BYTES} bytes`,
    );
  const match = route.pattern.exec(url.pathname)!;
  let pathParameters: Record<string, string>;
  try {
    pathParameters = Object.fromEntries(
      route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]),
    );
  } catch {
    // A path that is not valid percent-encoding is the caller's mistake: 400, never a gateway failure.
    return sendProblem(res, 400, 'Bad Request', 'the path is not valid percent-encoding');
  }
  const event = toEvent(req, url, route, pathParameters, body);
  if (!publicHandlers.has(route.handler)) {
    // As API Gateway does: without its identity source the authorizer is not called and the answer is a
    // bare 401; otherwise the Lambda authorizer's answer (cached per identity) reaches the handler.
    if (!event.headers[IDENTITY_HEADER]) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: await authorize(event) };
  }
  const handler = await loadHandler(route.handler);
  const result = await invokeAs(`recipeflow-api-${route.handler}`, handler, event);
  res.statusCode = result.statusCode ?? 200;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  res.end(
    result.body === undefined
      ? undefined
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : result.body,
  );
}

function authorizerEvent(event: APIGatewayProxyEventV2) {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [event.headers[IDENTITY_HEADER] ?? ''],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    headers: event.headers,
    queryStringParameters: event.queryStringParameters,
    pathParameters: event.pathParameters,
    requestContext: event.requestContext,
  };
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: ApiRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? text : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/problem+json');
  res.end(JSON.stringify({ type: `https://recipeflow.dev/problems/${status}`, title, status, detail }));
}
