// Credits, limits, idempotency and the audit trail through the HTTP API of the local runtime.
import { describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { ledgerSum } from '../support/ledger';

const platform = apiClient(inject('demo').platformAdminKey);
type Client = ReturnType<typeof apiClient>;

async function onboard(plan: string) {
  const response = await platform('POST', '/v1/tenants', { name: `credits ${plan}`, plan });
  return { id: response.body!.tenant.id as string, admin: apiClient(response.body!.apiKey.key as string) };
}

async function setBalance(tenantId: string, admin: Client, target: number) {
  const { balance } = (await admin('GET', '/v1/credits')).body!;
  const response = await platform('POST', '/v1/credits/grants', {
    tenantId,
    amount: target - balance,
    reason: 'test setup',
  });
  expect(response.status).toBe(201);
}

async function twoStepRecipe(admin: Client, extra: unknown[] = []) {
  const response = await admin('POST', '/v1/recipes', {
    name: 'cheap',
    steps: [
      { id: 'a', type: 'transform', source: '{{input}}', ops: [] },
      ...extra,
      { id: 'b', type: 'transform', source: '{{steps.a.output}}', ops: [] },
    ],
  });
  expect(response.status).toBe(201);
  return response.body!.id as string;
}

async function untilIdle(admin: Client) {
  for (let i = 0; i < 200; i++) {
    const credits = (await admin('GET', '/v1/credits')).body!;
    if (credits.running === 0 && credits.queued === 0) return credits;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('runs did not finish');
}

describe('credits', () => {
  it('answers a burst past the balance with 402s, never goes below zero, and the ledger sums to the balance', async () => {
    const tenant = await onboard('enterprise');
    const recipe = await twoStepRecipe(tenant.admin); // 1 per run + 1 per transform = 3 credits
    await setBalance(tenant.id, tenant.admin, 40);
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        tenant.admin('POST', `/v1/recipes/${recipe}/executions`, { input: { i } }),
      ),
    );
    const started = burst.filter((r) => r.status === 202).length;
    const refused = burst.filter((r) => r.status === 402);
    expect(started).toBe(13);
    expect(refused).toHaveLength(27);
    expect(refused[0]!.body).toMatchObject({ status: 402, title: 'Payment Required' });
    const credits = await untilIdle(tenant.admin);
    expect(credits.balance).toBe(40 - 13 * 3);
    expect(await ledgerSum(tenant.admin)).toBe(credits.balance);
  });

  it('refuses a grant beyond what is summed exactly, writes nothing, and the account stays readable', async () => {
    const { id, admin } = await onboard('free');
    const before = await ledgerSum(admin);
    const huge = await platform('POST', '/v1/credits/grants', {
      tenantId: id,
      amount: 2 ** 53 - 10,
      reason: 'x',
    });
    expect(huge.status).toBe(422);
    expect(huge.body!.errors[0].path).toBe('amount');
    // Grants within the bound cannot push the balance past the ceiling either (the condition is atomic).
    for (let i = 0; i < 3; i++) {
      await platform('POST', '/v1/credits/grants', { tenantId: id, amount: 1_000_000_000, reason: 'big' });
    }
    const credits = await admin('GET', '/v1/credits');
    expect(credits.status).toBe(200);
    expect(credits.body!.balance).toBe(await ledgerSum(admin));
    expect(credits.body!.balance).toBe(before + 3_000_000_000);
  });

  it('refunds the steps a failed run never reached', async () => {
    const tenant = await onboard('enterprise');
    const recipe = await tenant.admin('POST', '/v1/recipes', {
      name: 'fails first',
      steps: [
        { id: 'a', type: 'transform', source: 5, ops: [{ op: 'limit', count: 1 }] },
        { id: 'b', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }] },
      ],
    });
    const before = (await tenant.admin('GET', '/v1/credits')).body!.balance as number;
    const run = await tenant.admin('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, {
      input: {},
    });
    expect(run.body).toMatchObject({ status: 'failed', creditsReserved: 3, creditsCharged: 2 });
    const after = await untilIdle(tenant.admin);
    expect(after.balance).toBe(before - 2);
    expect(await ledgerSum(tenant.admin)).toBe(after.balance);
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After past the plan’s request rate, after allowing a burst', async () => {
    const tenant = await onboard('free'); // 5 requests per second: 50 per 10-second window
    // 120 at once: even across a window's end (two windows' worth, 100), some are refused.
    const responses = await Promise.all(Array.from({ length: 120 }, () => tenant.admin('GET', '/v1/agents')));
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(limited.length).toBeGreaterThan(0);
    const retryAfter = Number(limited[0]!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(limited[0]!.body).toMatchObject({ status: 429 });
  });

  it('queues starts past the plan’s concurrent executions, or answers 429 with ?queue=false', async () => {
    const tenant = await onboard('free'); // 2 executions at once
    const recipe = await twoStepRecipe(tenant.admin, [{ id: 'pause', type: 'wait', seconds: 2 }]);
    const start = (query = '') =>
      tenant.admin('POST', `/v1/recipes/${recipe}/executions${query}`, { input: {} });
    const first = await start();
    const second = await start();
    const refused = await start('?queue=false');
    expect([first.status, second.status, refused.status]).toEqual([202, 202, 429]);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const third = await start();
    expect(third.status).toBe(202);
    expect(third.body).toMatchObject({ status: 'queued', queuePosition: 1 });
    expect((await tenant.admin('GET', `/v1/executions/${third.body!.id}`)).body).toMatchObject({
      status: 'queued',
      queuePosition: 1,
    });
    expect((await tenant.admin('GET', '/v1/credits')).body).toMatchObject({ running: 2, queued: 1 });
    // The slot a run frees goes to the queued one, which then runs to the end.
    await untilIdle(tenant.admin);
    const done = (await tenant.admin('GET', `/v1/executions/${third.body!.id}`)).body!;
    expect(done).toMatchObject({ status: 'succeeded' });
    expect(done.queuePosition).toBeUndefined();
    expect(new Date(done.startedAt).getTime()).toBeGreaterThan(new Date(done.createdAt).getTime());
  }, 30_000);
});

describe('idempotency', () => {
  it('returns the same execution for a repeated key and body, debits once, and refuses another body', async () => {
    const tenant = await onboard('enterprise');
    const recipe = await twoStepRecipe(tenant.admin);
    const headers = { 'idempotency-key': 'order-42' };
    const first = await tenant.admin(
      'POST',
      `/v1/recipes/${recipe}/executions`,
      { input: { n: 1 } },
      headers,
    );
    const again = await tenant.admin(
      'POST',
      `/v1/recipes/${recipe}/executions`,
      { input: { n: 1 } },
      headers,
    );
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body!.id).toBe(first.body!.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await tenant.admin(
      'POST',
      `/v1/recipes/${recipe}/executions`,
      { input: { n: 2 } },
      headers,
    );
    expect(other.status).toBe(409);
    await untilIdle(tenant.admin);
    const executions = (await tenant.admin('GET', `/v1/executions?recipeId=${recipe}`)).body!.items;
    expect(executions).toHaveLength(1);
    const reserves = (await tenant.admin('GET', '/v1/credits/transactions')).body!.items.filter(
      (e: { type: string }) => e.type === 'reserve',
    );
    expect(reserves).toHaveLength(1);
  });

  it('works for other mutations too', async () => {
    const tenant = await onboard('enterprise');
    const headers = { 'idempotency-key': 'agent-1' };
    const first = await tenant.admin('POST', '/v1/agents', { name: 'once' }, headers);
    const again = await tenant.admin('POST', '/v1/agents', { name: 'once' }, headers);
    expect(again.body!.id).toBe(first.body!.id);
    expect((await tenant.admin('GET', '/v1/agents')).body!.items).toHaveLength(1);
  });
});

describe('audit', () => {
  it('records mutations and run lifecycle in a chain that verifies', async () => {
    const tenant = await onboard('enterprise');
    const recipe = await twoStepRecipe(tenant.admin);
    await tenant.admin('POST', `/v1/recipes/${recipe}/executions?wait=true`, { input: {} });
    await tenant.admin('POST', '/v1/agents', { name: '' }); // a refused mutation is recorded too
    const expected = [
      'tenant.onboarded',
      'POST /v1/recipes',
      'execution.queued',
      'execution.succeeded',
      'POST /v1/agents',
    ];
    let events: Array<{ action: string; result: string }> = [];
    for (let i = 0; i < 50 && !expected.every((a) => events.some((e) => e.action === a)); i++) {
      await new Promise((r) => setTimeout(r, 100)); // events are chained from the table's stream
      events = (await tenant.admin('GET', '/v1/audit?limit=100')).body!.items;
    }
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(expected));
    expect(events.find((e) => e.action === 'POST /v1/agents')).toMatchObject({
      result: 'failure',
      status: 422,
    });
    const verify = await tenant.admin('GET', '/v1/audit/verify');
    expect(verify.body).toMatchObject({ valid: true });
    expect(verify.body!.events).toBeGreaterThanOrEqual(5);
  });

  it('records a started run once, from its record, and a refused start as a failed request', async () => {
    const tenant = await onboard('enterprise');
    const me = (await tenant.admin('GET', '/v1/me')).body!;
    const recipe = await tenant.admin('POST', '/v1/recipes', {
      name: 'typed input',
      inputSchema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
      steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
    });
    const started = await tenant.admin('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, {
      input: { n: 1 },
    });
    expect(started.status).toBe(200);
    const refused = await tenant.admin('POST', `/v1/recipes/${recipe.body!.id}/executions`, { input: {} });
    expect(refused.status).toBe(422);
    const startRoute = 'POST /v1/recipes/{id}/executions';
    let events: Array<{ action: string; actor: string; resource: { id: string } }> = [];
    const ofTheRun = () => events.filter((e) => e.resource.id === started.body!.id);
    // Events are chained from the table's stream, whose shards need not deliver them in the order written.
    const chained = () =>
      events.some((e) => e.action === startRoute) &&
      ofTheRun().some((e) => e.action === 'execution.succeeded');
    for (let i = 0; i < 80 && !chained(); i++) {
      await new Promise((r) => setTimeout(r, 100));
      events = (await tenant.admin('GET', '/v1/audit?limit=100')).body!.items;
    }
    expect(
      ofTheRun()
        .map((e) => e.action)
        .sort(),
    ).toEqual(['execution.queued', 'execution.succeeded']);
    expect(ofTheRun().find((e) => e.action === 'execution.queued')).toMatchObject({
      actor: me.keyId,
      role: 'admin',
      result: 'success',
    });
    // The request that started it adds no second event; the refused one is the only request event.
    expect(events.filter((e) => e.action === startRoute)).toEqual([
      expect.objectContaining({
        result: 'failure',
        status: 422,
        resource: { type: 'recipes', id: recipe.body!.id },
      }),
    ]);
    expect((await tenant.admin('GET', '/v1/audit/verify')).body).toMatchObject({ valid: true });
  });
});
