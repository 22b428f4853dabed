// Tenants, roles and isolation through the HTTP API of the local runtime.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiRoutes, publicHandlers } from '../../shared/api/routes';
import { apiClient } from '../support/api-client';
import { signToken, tokenBuilder } from '../support/jwt';

const platform = apiClient(inject('demo').platformAdminKey);
type Client = ReturnType<typeof apiClient>;

async function onboard(name: string, plan = 'enterprise') {
  const response = await platform('POST', '/v1/tenants', { name, plan });
  expect(response.status).toBe(201);
  return {
    id: response.body!.tenant.id as string,
    admin: apiClient(response.body!.apiKey.key as string),
    body: response.body!,
  };
}

async function keyFor(admin: Client, role: string) {
  const response = await admin('POST', '/v1/api-keys', { name: `${role} key`, role });
  expect(response.status).toBe(201);
  return apiClient(response.body!.key as string);
}

let a: Awaited<ReturnType<typeof onboard>>;
let b: Awaited<ReturnType<typeof onboard>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  [a, b] = await Promise.all([onboard('Tenant A'), onboard('Tenant B')]);
  const directory = (await apiClient()('GET', '/v1/settings')).body!.values.directoryUrl as string;
  await a.admin('PUT', '/v1/settings', { httpAllowList: [directory], values: { directoryUrl: directory } });
  ids.agent = (await a.admin('POST', '/v1/agents', { name: 'A agent' })).body!.id;
  ids.recipe = (
    await a.admin('POST', '/v1/recipes', {
      name: 'A recipe',
      steps: [{ id: 'only', type: 'transform', source: '{{input}}', ops: [] }],
    })
  ).body!.id;
  ids.execution = (
    await a.admin('POST', `/v1/recipes/${ids.recipe}/executions?wait=true`, { input: { x: 1 } })
  ).body!.id;
  ids.key = (await a.admin('GET', '/v1/api-keys')).body!.items[0].id;
  ids.trigger = (await a.admin('POST', '/v1/triggers', { recipeId: ids.recipe, prefix: 'a-' })).body!.id;
});

function validBody(method: string, path: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (path.endsWith('/executions')) return { input: {} };
  if (path.endsWith('/decision')) return { decision: 'approve' };
  if (path.endsWith('/schedules')) return { expression: 'rate(1 hour)' };
  if (path.startsWith('/v1/triggers')) return { recipeId: 'x' };
  if (path.startsWith('/v1/agents')) return { name: 'hijack' };
  return { name: 'hijack', steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }] };
}

describe('onboarding', () => {
  it('creates the tenant, its subscription and a first admin key shown once', async () => {
    expect(a.body).toMatchObject({
      tenant: { name: 'Tenant A', plan: 'enterprise', status: 'active' },
      subscription: { plan: 'enterprise', monthlyCredits: 250_000 },
      apiKey: { role: 'admin', key: expect.stringMatching(/^rf_/) },
    });
    const keys = await a.admin('GET', '/v1/api-keys');
    expect(JSON.stringify(keys.body)).not.toContain(a.body.apiKey.key);
    expect((await a.admin('GET', '/v1/credits')).body).toMatchObject({
      balance: expect.any(Number),
      plan: 'enterprise',
    });
  });

  it('is for the platform admin only, and validates its input', async () => {
    expect((await a.admin('POST', '/v1/tenants', { name: 'x' })).status).toBe(403);
    const bad = await platform('POST', '/v1/tenants', { name: 'x', plan: 'gold' });
    expect(bad.status).toBe(422);
    expect(bad.body!.errors[0].path).toBe('plan');
    expect((await platform('GET', '/v1/agents')).status).toBe(403);
    expect((await platform('GET', '/v1/plans')).body!.items.map((p: { id: string }) => p.id)).toEqual([
      'free',
      'starter',
      'pro',
      'enterprise',
    ]);
  });
});

describe('isolation', () => {
  it('never lists another tenant’s data', async () => {
    for (const path of [
      '/v1/agents',
      '/v1/recipes',
      '/v1/executions',
      '/v1/api-keys',
      '/v1/credits/transactions',
      '/v1/audit',
      '/v1/triggers',
    ]) {
      const text = JSON.stringify((await b.admin('GET', path)).body);
      for (const id of Object.values(ids)) expect(text, path).not.toContain(id);
    }
  });

  it('answers 404 on every route that names another tenant’s resource', async () => {
    // Tenants are the platform operator's resource: a tenant key gets 403 there (the role matrix below).
    const withId = apiRoutes.filter((r) => r.path.includes('{id}') && !r.path.startsWith('/v1/tenants/'));
    expect(withId.length).toBeGreaterThan(5);
    for (const route of withId) {
      const resource = route.path.split('/')[2]!;
      const id =
        {
          agents: ids.agent,
          recipes: ids.recipe,
          executions: ids.execution,
          'api-keys': ids.key,
          triggers: ids.trigger,
        }[resource] ?? 'x';
      const response = await b.admin(
        route.method,
        route.path.replace('{id}', id),
        validBody(route.method, route.path),
      );
      expect(response.status, `${route.method} ${route.path}`).toBe(404);
    }
    await a.admin('PUT', '/v1/credentials/shared-name', { type: 'http_bearer', value: { token: 'a-token' } });
    expect((await b.admin('DELETE', '/v1/credentials/shared-name')).status).toBe(404);
    expect((await b.admin('GET', '/v1/credentials')).body!.items).toEqual([]);
    // nor may B bind A's recipe to its uploads, or name A's trigger on its own upload
    const binding = await b.admin('POST', '/v1/triggers', { recipeId: ids.recipe, prefix: 'b-' });
    expect([binding.status, binding.body!.errors[0].path]).toEqual([422, 'recipeId']);
    const upload = await b.admin('POST', '/v1/artifacts', {
      filename: 'x.csv',
      contentType: 'text/csv',
      size: 1,
      triggerId: ids.trigger,
    });
    expect([upload.status, upload.body!.errors[0].path]).toEqual([422, 'triggerId']);
    // and nothing of A changed
    expect((await a.admin('GET', `/v1/agents/${ids.agent}`)).body!.name).toBe('A agent');
    expect((await a.admin('GET', `/v1/recipes/${ids.recipe}`)).body!.version).toBe(1);
    expect((await a.admin('GET', '/v1/api-keys')).body!.items.map((k: { id: string }) => k.id)).toContain(
      ids.key,
    );
  });
});

describe('roles', () => {
  // The least role each route needs; the matrix below walks every route with every role.
  const needs: Record<string, string> = {
    'GET /v1/api-keys': 'admin',
    'POST /v1/api-keys': 'admin',
    'DELETE /v1/api-keys/{id}': 'admin',
    'PUT /v1/settings': 'admin',
    'GET /v1/audit': 'admin',
    'GET /v1/audit/verify': 'admin',
    'PUT /v1/credentials/{name}': 'editor',
    'DELETE /v1/credentials/{name}': 'editor',
    'POST /v1/agents': 'editor',
    'PUT /v1/agents/{id}': 'editor',
    'DELETE /v1/agents/{id}': 'editor',
    'POST /v1/recipes': 'editor',
    'PUT /v1/recipes/{id}': 'editor',
    'DELETE /v1/recipes/{id}': 'editor',
    'POST /v1/recipes/{id}/executions': 'operator',
    'POST /v1/reviews/{id}/decision': 'operator',
    'POST /v1/artifacts': 'operator',
    'POST /v1/recipes/{id}/schedules': 'editor',
    'DELETE /v1/schedules/{id}': 'editor',
    'POST /v1/triggers': 'editor',
    'DELETE /v1/triggers/{id}': 'editor',
    'DELETE /v1/artifacts/{id}': 'editor',
    'POST /v1/executions/{id}/cancel': 'operator',
    'POST /v1/executions/{id}/redrive': 'operator',
    'POST /v1/tenants': 'platform',
    'GET /v1/tenants': 'platform',
    'GET /v1/tenants/{id}': 'platform',
    'PATCH /v1/tenants/{id}': 'platform',
    'POST /v1/credits/grants': 'platform',
    'POST /v1/steps/test': 'operator',
    'PUT /v1/connections/{name}': 'editor',
    'DELETE /v1/connections/{name}': 'editor',
  };
  const rank = ['viewer', 'operator', 'editor', 'admin'];

  it('enforces the permission matrix on every route', async () => {
    const clients: Record<string, Client> = { admin: a.admin };
    for (const role of ['viewer', 'operator', 'editor']) clients[role] = await keyFor(a.admin, role);
    const tenantRoutes = apiRoutes.filter((r) => !publicHandlers.has(r.handler));
    for (const route of tenantRoutes) {
      const key = `${route.method} ${route.path}`;
      const least = needs[key] ?? 'viewer';
      for (const role of rank) {
        // a missing id keeps allowed calls harmless: they answer 404/422, never 403
        const response = await clients[role]!(
          route.method,
          route.path.replace('{id}', 'does_not_exist'),
          route.method === 'GET' ? undefined : {},
        );
        const allowed = least !== 'platform' && rank.indexOf(role) >= rank.indexOf(least);
        if (allowed) expect(response.status, `${role} ${key}`).not.toBe(403);
        else expect(response.status, `${role} ${key}`).toBe(403);
      }
    }
  });

  it('revokes a key: refused once the authorizer cache lets go of it (its TTL; 1 s in these tests)', async () => {
    const viewer = await keyFor(a.admin, 'viewer');
    const keys = (await a.admin('GET', '/v1/api-keys')).body!.items as Array<{ id: string; role: string }>;
    const last = keys.filter((k) => k.role === 'viewer').at(-1)!;
    expect((await viewer('GET', '/v1/agents')).status).toBe(200);
    expect((await a.admin('DELETE', `/v1/api-keys/${last.id}`)).status).toBe(204);
    await expect.poll(async () => (await viewer('GET', '/v1/agents')).status, { timeout: 5000 }).toBe(401);
  });
});

describe('JWT bearer tokens', () => {
  const { secret } = inject('jwt');
  const sign = (claims: Record<string, unknown>, key = secret) => signToken(claims, { key });

  it('admits a signed token with tenant and role claims and keeps its tenant', async () => {
    const token = await sign({ tenant_id: a.id, role: 'viewer' });
    const viewer = apiClient(token);
    const agents = await viewer('GET', '/v1/agents');
    expect(agents.status).toBe(200);
    expect(agents.body!.items.map((x: { id: string }) => x.id)).toContain(ids.agent);
    expect((await viewer('POST', '/v1/agents', { name: 'no' })).status).toBe(403);
  });

  it('refuses a token without exp or valid for more than a day, and an admin token of the platform', async () => {
    const unsigned = (claims: Record<string, unknown>) => tokenBuilder(claims);
    const key = new TextEncoder().encode(secret);
    const noExp = await unsigned({ tenant_id: a.id, role: 'viewer' }).sign(key);
    expect((await apiClient(noExp)('GET', '/v1/agents')).status).toBe(401);
    const tooLong = await unsigned({ tenant_id: a.id, role: 'viewer' }).setExpirationTime('48h').sign(key);
    expect((await apiClient(tooLong)('GET', '/v1/agents')).status).toBe(401);
    // tenant_id "platform" with a tenant role is not a tenant: no recipe can be made for a tenant that does not exist
    const platformAdmin = await sign({ tenant_id: 'platform', role: 'admin' });
    expect((await apiClient(platformAdmin)('POST', '/v1/agents', { name: 'ghost' })).status).toBe(401);
  });

  it('refuses a token with a bad signature, a missing claim or a foreign tenant id', async () => {
    expect(
      (await apiClient(await sign({ tenant_id: a.id, role: 'admin' }, 'x'.repeat(64)))('GET', '/v1/agents'))
        .status,
    ).toBe(401);
    expect((await apiClient(await sign({ tenant_id: a.id }))('GET', '/v1/agents')).status).toBe(401);
    expect(
      (await apiClient(await sign({ tenant_id: 'ten_nobody', role: 'admin' }))('GET', '/v1/agents')).status,
    ).toBe(401);
  });
});
