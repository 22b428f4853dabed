// Operating the platform through the HTTP API: templates any tenant can install, onboarding with examples,
// and the platform operator's tenant routes (list, read, change plan, suspend and reactivate).
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { signToken } from '../support/jwt';

const platform = apiClient(inject('demo').platformAdminKey);
let tenant: { id: string; key: string };
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'Operated', plan: 'starter' });
  tenant = { id: onboarded.body!.tenant.id, key: onboarded.body!.apiKey.key };
  api = apiClient(tenant.key);
});

describe('templates', () => {
  it('lists the built-in recipes and installs one as a new recipe of the tenant', async () => {
    const templates = await api('GET', '/v1/templates');
    expect(templates.status).toBe(200);
    expect(templates.body!.items.map((t: { id: string }) => t.id)).toEqual([
      'rcp_lead_discovery',
      'rcp_lead_intelligence',
      'rcp_outreach_personalization',
    ]);
    const installed = await api('POST', '/v1/recipes', {
      templateId: 'rcp_lead_intelligence',
      name: 'My leads',
    });
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({ name: 'My leads', version: 1, agentId: 'agt_hunter' });
    expect(installed.body!.id).not.toBe('rcp_lead_intelligence');
    expect((await api('GET', '/v1/agents/agt_hunter')).status).toBe(200);
    const unknown = await api('POST', '/v1/recipes', { templateId: 'rcp_nothing' });
    expect(unknown.status).toBe(422);
    expect(unknown.body!.errors).toEqual([{ path: 'templateId', message: 'no such template' }]);
  });

  it('onboards a tenant with the examples installed', async () => {
    const onboarded = await platform('POST', '/v1/tenants', { name: 'With examples', withExamples: true });
    expect(onboarded.status).toBe(201);
    const mine = apiClient(onboarded.body!.apiKey.key);
    const recipes = (await mine('GET', '/v1/recipes')).body!.items.map((r: { id: string }) => r.id).sort();
    expect(recipes).toEqual(['rcp_lead_discovery', 'rcp_lead_intelligence', 'rcp_outreach_personalization']);
  });
});

describe('the platform operator', () => {
  it('pages through tenants with plan, status, balance and running runs', async () => {
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const page = await platform('GET', `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body!.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body!.items);
      cursor = page.body!.nextCursor;
    } while (cursor);
    expect(seen.find((t) => t.id === tenant.id)).toMatchObject({
      name: 'Operated',
      plan: 'starter',
      status: 'active',
      balance: 2000,
      running: 0,
    });
    expect((await platform('GET', `/v1/tenants/${tenant.id}`)).body).toMatchObject({ id: tenant.id });
    expect((await platform('GET', '/v1/tenants/ten_nobody')).status).toBe(404);
  });

  it('changes the plan at once: an upgrade grants the difference of the monthly credits', async () => {
    const changed = await platform('PATCH', `/v1/tenants/${tenant.id}`, { plan: 'pro' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ plan: 'pro', balance: 20_000 });
    expect((await api('GET', '/v1/credits')).body).toMatchObject({ plan: 'pro', balance: 20_000 });
    const ledger = (await api('GET', '/v1/credits/transactions')).body!.items;
    expect(ledger[0]).toMatchObject({
      type: 'grant',
      amount: 18_000,
      reason: 'plan changed from Starter to Pro',
    });
    const down = await platform('PATCH', `/v1/tenants/${tenant.id}`, { plan: 'starter' });
    expect(down.body).toMatchObject({ plan: 'starter', balance: 20_000 }); // a downgrade keeps the balance
    const bad = await platform('PATCH', `/v1/tenants/${tenant.id}`, { plan: 'gold' });
    expect(bad.status).toBe(422);
    expect(bad.body!.errors[0].path).toBe('plan');
  });

  it('suspends a tenant: its keys get 403 saying so, nothing of it starts; reactivating restores it', async () => {
    const suspended = await platform('PATCH', `/v1/tenants/${tenant.id}`, {
      status: 'suspended',
      reason: 'unpaid invoice',
    });
    expect(suspended.body).toMatchObject({ status: 'suspended', reason: 'unpaid invoice' });
    // Refused once the authorizer cache lets go of the key's answer (its TTL; 1 s in these tests).
    await expect.poll(async () => (await api('GET', '/v1/recipes')).status, { timeout: 5000 }).toBe(403);
    const refused = await api('GET', '/v1/recipes');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body!.detail).toContain('suspended: unpaid invoice');

    const active = await platform('PATCH', `/v1/tenants/${tenant.id}`, { status: 'active' });
    expect(active.body).toMatchObject({ status: 'active' });
    expect(active.body!.reason).toBeUndefined();
    await expect.poll(async () => (await api('GET', '/v1/recipes')).status, { timeout: 5000 }).toBe(200);
    // Audit events are chained by the table stream's consumer, a moment after the change.
    await expect
      .poll(
        async () =>
          (await api('GET', '/v1/audit?limit=100')).body!.items.map((e: { action: string }) => e.action),
        {
          timeout: 10_000,
        },
      )
      .toEqual(expect.arrayContaining(['tenant.suspended', 'tenant.reactivated', 'tenant.plan_changed']));
  });

  it('refuses tenant keys on the operator routes', async () => {
    expect((await api('GET', '/v1/tenants')).status).toBe(403);
    expect((await api('GET', `/v1/tenants/${tenant.id}`)).status).toBe(403);
    expect((await api('PATCH', `/v1/tenants/${tenant.id}`, { status: 'active' })).status).toBe(403);
  });

  it('admits an operator JWT with the platform role, and no tenant JWT claiming it', async () => {
    const sign = (claims: Record<string, unknown>) => signToken(claims, { subject: 'operator-1' });
    const operator = apiClient(await sign({ tenant_id: 'platform', role: 'platform' }));
    expect((await operator('GET', '/v1/tenants?limit=1')).status).toBe(200);
    const pretender = apiClient(await sign({ tenant_id: tenant.id, role: 'platform' }));
    expect((await pretender('GET', '/v1/tenants?limit=1')).status).toBe(401);
  });
});
