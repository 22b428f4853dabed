// Schedules through the HTTP API: validation, and scheduled runs started by the local runner.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let recipeId: string;

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'schedules', plan: 'enterprise' });
  api = apiClient(onboarded.body!.apiKey.key);
  const recipe = await api('POST', '/v1/recipes', {
    name: 'tick',
    steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
  });
  recipeId = recipe.body!.id;
});

async function scheduledRuns(): Promise<Array<{ trigger: string; input: unknown; status: string }>> {
  return (await api('GET', `/v1/executions?recipeId=${recipeId}`)).body!.items;
}

describe('schedules', () => {
  it.each([
    ['cron(0 9 * * MON)', 'expression', '6 fields'],
    ['cron(0 9 * * MON *)', 'expression', '? in exactly one'],
    ['cron(0 25 ? * MON *)', 'expression', 'invalid cron'],
    ['rate(5 minute)', 'expression', 'rate(5 minutes)'],
    ['every day', 'expression', 'cron(...), rate(...) or at(...)'],
  ])('refuses %s with a clear 422', async (expression, path, message) => {
    const response = await api('POST', `/v1/recipes/${recipeId}/schedules`, { expression });
    expect(response.status).toBe(422);
    expect(response.body!.errors[0]).toMatchObject({ path });
    expect(response.body!.errors[0].message).toContain(message);
  });

  it('refuses an unknown time zone', async () => {
    const response = await api('POST', `/v1/recipes/${recipeId}/schedules`, {
      expression: 'rate(1 hour)',
      timezone: 'Mars/Olympus',
    });
    expect(response.body!.errors).toEqual([
      { path: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin' },
    ]);
  });

  it('starts a run at the time of an at() schedule, with trigger schedule, once', async () => {
    const at = new Date(Date.now() + 4000).toISOString().slice(0, 19);
    const created = await api('POST', `/v1/recipes/${recipeId}/schedules`, {
      expression: `at(${at})`,
      timezone: 'UTC',
      input: { at },
    });
    expect(created.status).toBe(201);
    let runs: Awaited<ReturnType<typeof scheduledRuns>> = [];
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await scheduledRuns();
    }
    expect(runs).toEqual([expect.objectContaining({ trigger: 'schedule', input: { at } })]);
    const listed = await api('GET', `/v1/recipes/${recipeId}/schedules`);
    expect(listed.body!.items.map((s: { id: string }) => s.id)).toContain(created.body!.id);
    expect((await api('DELETE', `/v1/schedules/${created.body!.id}`)).status).toBe(204);
    expect((await api('DELETE', `/v1/schedules/${created.body!.id}`)).status).toBe(404);
  });

  it('runs a rate(1 minute) schedule within two minutes', async () => {
    const before = (await scheduledRuns()).length;
    const created = await api('POST', `/v1/recipes/${recipeId}/schedules`, {
      expression: 'rate(1 minute)',
      input: { every: 'minute' },
    });
    let runs: Awaited<ReturnType<typeof scheduledRuns>> = [];
    for (let i = 0; i < 120 && runs.length <= before; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      runs = await scheduledRuns();
    }
    expect(runs[0]).toMatchObject({ trigger: 'schedule', input: { every: 'minute' } });
    await api('DELETE', `/v1/schedules/${created.body!.id}`);
  }, 130_000);
});
