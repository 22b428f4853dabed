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

/** Creates an artifact and puts its body through the presigned upload URL, as a user would; answers its id. */
export async function uploadArtifact(
  call: ReturnType<typeof apiClientFor>,
  file: { filename: string; contentType: string; body: string; triggerId?: string },
): Promise<string> {
  const created = await call('POST', '/v1/artifacts', {
    filename: file.filename,
    contentType: file.contentType,
    size: Buffer.byteLength(file.body),
    ...(file.triggerId ? { triggerId: file.triggerId } : {}),
  });
  if (created.status !== 201) throw new Error(`artifact not created: ${JSON.stringify(created.body)}`);
  const { url, method, headers } = created.body!.upload;
  const put = await fetch(url, { method, headers, body: file.body });
  if (put.status !== 200) throw new Error(`upload refused: ${put.status}`);
  return created.body!.id as string;
}
