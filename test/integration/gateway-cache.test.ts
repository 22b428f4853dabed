// The local gateway caches the Lambda authorizer's answer as API Gateway does: per Authorization header value,
// for every route, until the TTL runs out; a failed authorizer is not cached.
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway';
import { AUTHORIZER_TTL_SECONDS } from '../../shared/auth/identity';

let close: (() => void) | undefined;
afterEach(() => close?.());

async function gateway(authorizerAnswers: () => Record<string, string>, ttlSeconds?: number) {
  let clock = 0;
  const calls: string[] = [];
  const server = createGateway(
    // Every route answers with the authorizer context it was given.
    async () => async (event: APIGatewayProxyEventV2) => ({
      statusCode: 200,
      body: JSON.stringify(
        (event.requestContext as { authorizer?: { lambda?: unknown } }).authorizer?.lambda,
      ),
    }),
    async () => async (event: unknown) => {
      calls.push((event as { identitySource: string[] }).identitySource[0]!);
      return { context: authorizerAnswers() };
    },
    { now: () => clock, ...(ttlSeconds === undefined ? {} : { authorizerTtlSeconds: ttlSeconds }) },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, key: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: await response.text() };
  };
  return { get, calls, advance: (ms: number) => (clock += ms) };
}

describe('local gateway authorizer cache', () => {
  it('reuses an answer per Authorization header across routes until the TTL runs out', async () => {
    let answer = { tenantId: 'ten_a', role: 'viewer', keyId: 'key_1' };
    const g = await gateway(() => answer);
    expect(JSON.parse((await g.get('/v1/agents', 'one')).body)).toMatchObject({ tenantId: 'ten_a' });
    answer = { tenantId: 'ten_b', role: 'admin', keyId: 'key_2' };
    // Same header, other route: the cached answer, no authorizer call.
    expect(JSON.parse((await g.get('/v1/recipes', 'one')).body)).toMatchObject({ tenantId: 'ten_a' });
    expect(g.calls).toEqual(['Bearer one']);
    // Another header is another cache entry.
    expect(JSON.parse((await g.get('/v1/agents', 'two')).body)).toMatchObject({ tenantId: 'ten_b' });
    g.advance(AUTHORIZER_TTL_SECONDS * 1000 - 1);
    expect(JSON.parse((await g.get('/v1/agents', 'one')).body)).toMatchObject({ tenantId: 'ten_a' });
    g.advance(1);
    expect(JSON.parse((await g.get('/v1/agents', 'one')).body)).toMatchObject({ tenantId: 'ten_b' });
    expect(g.calls).toEqual(['Bearer one', 'Bearer two', 'Bearer one']);
  });

  it('calls the authorizer every time with a TTL of 0, and never caches one that failed', async () => {
    const g = await gateway(() => ({ tenantId: 'ten_a', role: 'viewer', keyId: 'key_1' }), 0);
    await g.get('/v1/agents', 'one');
    await g.get('/v1/agents', 'one');
    expect(g.calls).toHaveLength(2);

    let fail = true;
    const h = await gateway(() => {
      if (fail) throw new Error('authorizer crashed');
      return { tenantId: 'ten_a', role: 'viewer', keyId: 'key_1' };
    });
    expect((await h.get('/v1/agents', 'one')).status).toBe(500);
    fail = false;
    expect((await h.get('/v1/agents', 'one')).status).toBe(200);
    expect(h.calls).toHaveLength(2);
  });
});
