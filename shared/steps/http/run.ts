// The `http` component: one request with templated URL, headers, query and body; limited in time and size.

import { assertReachable, pinnedLookup } from '../../components/address-policy';
import { type Exchange, type ExchangeRequest, exchange } from '../../components/http-exchange';
import { StepFailed, StepRejected } from '../../components/step-errors';
import type { HttpStep } from '../../recipes/recipe-schema';
import { resolveTemplates } from '../../recipes/template';

// Bodies above the inline limit travel by reference (payload-store); this bounds memory and Lambda time.
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A request ready to send: templates already resolved, so nothing in it is interpreted again. */
export interface HttpRequest {
  method: HttpStep['method'];
  url: URL;
  headers: Headers;
  body?: string;
  timeoutSeconds: number;
  expectStatus?: number | number[];
}

/**
 * The Idempotency-Key an `http` step sends with a request that is not GET or HEAD: the same for every attempt
 * (retries, and a run resumed after a crash) of one step of one run — and of one item inside a map — so the
 * receiving side can deduplicate; another run, or a redrive (a new run), sends another key.
 */
export function stepIdempotencyKey(executionId: string, stepId: string, index?: number): string {
  return `${executionId}/${stepId}${index === undefined ? '' : `[${index}]`}`;
}

export async function runHttp(
  step: HttpStep,
  scope: Record<string, unknown>,
  allowList: string[],
  send: { bearerToken?: string; idempotencyKey?: string } = {},
): Promise<HttpOutput> {
  const { bearerToken, idempotencyKey } = send;
  const resolved = resolveTemplates(
    { url: step.url, headers: step.headers ?? {}, query: step.query ?? {}, body: step.body },
    scope,
  ) as { url: unknown; headers: Record<string, unknown>; query: Record<string, unknown>; body: unknown };
  const url = parseUrl(resolved.url);
  for (const [name, value] of Object.entries(resolved.query))
    url.searchParams.append(name, String(value ?? ''));
  const headers = new Headers(Object.entries(resolved.headers).map(([k, v]) => [k, String(v ?? '')]));
  if (bearerToken) headers.set('authorization', `Bearer ${bearerToken}`);
  let body: string | undefined;
  if (
    resolved.body !== undefined &&
    resolved.body !== null &&
    step.method !== 'GET' &&
    step.method !== 'HEAD'
  ) {
    body = typeof resolved.body === 'string' ? resolved.body : JSON.stringify(resolved.body);
    if (typeof resolved.body !== 'string' && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
  }
  // A key the recipe sets itself wins: the receiver may expect its own format.
  if (idempotencyKey && step.method !== 'GET' && step.method !== 'HEAD' && !headers.has('idempotency-key'))
    headers.set('idempotency-key', idempotencyKey);
  return sendHttpRequest(
    {
      method: step.method,
      url,
      headers,
      body,
      timeoutSeconds: step.timeoutSeconds ?? 30,
      expectStatus: step.expectStatus,
    },
    allowList,
  );
}

/** Sends a request under the address policy, following redirects (each one checked), within time and size limits. */
export async function sendHttpRequest(request: HttpRequest, allowList: string[]): Promise<HttpOutput> {
  let url = request.url;
  let headers = request.headers;
  const signal = AbortSignal.timeout(request.timeoutSeconds * 1000);
  for (let redirects = 0; ; redirects++) {
    assertReachable(url, allowList);
    const response = await send(url, {
      method: request.method,
      headers,
      body: request.body,
      signal,
      lookup: pinnedLookup(allowList, url.origin),
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      response.discard();
      if (redirects >= MAX_REDIRECTS) throw new StepRejected(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      // As fetch does: credentials meant for one origin never follow a redirect to another.
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    return await readResponse(response, request, url);
  }
}

function withoutCredentials(headers: Headers): Headers {
  const kept = new Headers(headers);
  for (const name of ['authorization', 'cookie', 'proxy-authorization']) kept.delete(name);
  return kept;
}

function parseUrl(value: unknown): URL {
  try {
    return new URL(String(value));
  } catch {
    throw new StepRejected(`url "${String(value).slice(0, 200)}" is not a valid absolute URL`);
  }
}

async function send(url: URL, init: ExchangeRequest): Promise<Exchange> {
  try {
    return await exchange(url, init);
  } catch (error) {
    if (error instanceof StepRejected) throw error;
    // The address policy refuses inside the connection's lookup; surface its reason as is.
    for (let cause = (error as { cause?: unknown }).cause, depth = 0; cause && depth < 5; depth++) {
      if (cause instanceof StepRejected) throw cause;
      const inner = cause as { cause?: unknown; errors?: unknown[] };
      cause = inner.errors?.find((e) => e instanceof StepRejected) ?? inner.cause;
    }
    const reason = init.signal.aborted ? 'timed out' : 'could not connect';
    throw new StepFailed(`${init.method} ${describe(url)} ${reason}`);
  }
}

async function readResponse(response: Exchange, request: HttpRequest, url: URL): Promise<HttpOutput> {
  const text = await readLimited(response, request, url);
  const expected = request.expectStatus === undefined ? null : [request.expectStatus].flat();
  const ok = expected ? expected.includes(response.status) : response.status >= 200 && response.status < 300;
  if (!ok) {
    const message = `${request.method} ${describe(url)} answered ${response.status}`;
    const transient = response.status >= 500 || response.status === 429 || response.status === 408;
    throw transient ? new StepFailed(message) : new StepRejected(message);
  }
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (/[/+]json\b/i.test(contentType) && text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new StepRejected(`${describe(url)} sent invalid JSON`);
    }
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body };
}

async function readLimited(response: Exchange, request: HttpRequest, url: URL): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_RESPONSE_BYTES) {
    response.discard();
    throw new StepRejected(`response of ${declared} bytes exceeds ${MAX_RESPONSE_BYTES}`);
  }
  try {
    return await response.text(
      MAX_RESPONSE_BYTES,
      () => new StepRejected(`response exceeds ${MAX_RESPONSE_BYTES} bytes`),
    );
  } catch (error) {
    if (error instanceof StepRejected) throw error;
    const reason = (error as Error).name === 'AbortError' ? 'timed out' : 'broke off';
    throw new StepFailed(`${request.method} ${describe(url)} ${reason}`);
  }
}

/** Origin and path only: query strings can carry tokens and must not reach errors or logs. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
