// A tiny HTTP client for e2e tests against the local runtime.
import { inject } from 'vitest';

export function apiClient(key = inject('demo').apiKey) {
  return apiClientFor(inject('demo').baseUrl, key);
}

export function apiClientFor(baseUrl: string, key: string) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as Record<string, any>) : null,
    };
  };
}
