// The console's one way to the API: the base URL from /config.json, the caller's bearer token, problem+json
// errors as ApiError, and conditional GETs (If-None-Match) so polling moves a few bytes while nothing changes.
import { currentToken, signOut } from './session';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status() {
    return this.problem.status;
  }
}

export interface ConsoleConfig {
  /** Where the API is: empty for the console's own origin (npm start), the API's URL in the cloud. */
  apiUrl: string;
  oidc?: { issuer: string; clientId: string; scope?: string };
}

let config: ConsoleConfig = { apiUrl: '' };

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) config = { ...config, ...((await response.json()) as ConsoleConfig) };
  } catch {
    // No config: the API is on this origin.
  }
  return config;
}

export function consoleConfig(): ConsoleConfig {
  return config;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Repeating a mutation with the same key never applies it twice (the API's Idempotency-Key). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const lastSeen = new Map<string, { etag: string; data: unknown }>();

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return `${config.apiUrl.replace(/\/$/, '')}${path}${text ? `?${text}` : ''}`;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const url = apiUrl(path, options.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const cached = method === 'GET' ? lastSeen.get(url) : undefined;
  if (cached) headers['if-none-match'] = cached.etag;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      cache: 'no-store',
      signal: options.signal,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ title: 'Network error', status: 0, detail: 'the API could not be reached' });
  }
  if (response.status === 304 && cached) return cached.data as T;
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeParse(text) : undefined;
  if (!response.ok) {
    // A key that stopped working (revoked, expired token) ends the session rather than failing every page.
    if (response.status === 401 && token) signOut();
    throw new ApiError(toProblem(response, data));
  }
  const etag = response.headers.get('etag');
  if (method === 'GET' && etag) lastSeen.set(url, { etag, data });
  return data as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toProblem(response: Response, data: unknown): Problem {
  if (data && typeof data === 'object' && 'status' in data) return data as Problem;
  const message = data && typeof data === 'object' && 'message' in data ? String(data.message) : undefined;
  return { title: response.statusText || 'Error', status: response.status, detail: message };
}

export function forgetCachedResponses(): void {
  lastSeen.clear();
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
