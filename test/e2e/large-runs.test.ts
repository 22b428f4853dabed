// A run with thousands of map items: its step records are more than one DynamoDB page (1 MB), so they must be
// read page by page — to charge every item that ran, and to show them: GET /v1/executions/{id} shows the
// run's own steps and counts, and GET /v1/executions/{id}/steps pages every record with a cursor.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { until } from '../support/until';

const ITEMS = 1600;
const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let run: Record<string, any>;

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'large runs', plan: 'enterprise' });
  api = apiClient(onboarded.body!.apiKey.key);
  // Every item's output is ~600 characters, so each step record carries a full 500-character preview.
  await api('PUT', '/v1/settings', { values: { pad: 'p'.repeat(600) } });
  const recipe = await api('POST', '/v1/recipes', {
    name: 'wide',
    steps: [
      {
        id: 'each',
        type: 'map',
        items: '{{input.rows}}',
        maxItems: ITEMS,
        maxConcurrency: 40,
        steps: [
          { id: 'pad', type: 'transform', source: { n: '{{item}}', pad: '{{settings.pad}}' }, ops: [] },
        ],
      },
    ],
  });
  expect(recipe.status).toBe(201);
  const started = await api('POST', `/v1/recipes/${recipe.body!.id}/executions`, {
    input: { rows: Array.from({ length: ITEMS }, (_, i) => i), note: 'n'.repeat(10_000) },
  });
  expect(started.status).toBe(202);
  run = (
    await until(
      () => api('GET', `/v1/executions/${started.body!.id}`),
      (r) => !['running', 'queued'].includes(r.body!.status),
      2400,
    )
  ).body!;
}, 180_000);

describe('a run with thousands of step records', () => {
  it('is charged for every item that ran, and shows its own steps with counts in a small response', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.creditsCharged).toBe(run.creditsReserved);
    expect(run.creditsCharged).toBeGreaterThanOrEqual(ITEMS);
    const response = await api('GET', `/v1/executions/${run.id}`);
    // The run's ~1 MB output is inline (up to 1 MiB; a reference above); the steps add little to it.
    const { output, ...rest } = response.body!;
    expect(output).toHaveLength(ITEMS);
    expect(JSON.stringify(rest).length).toBeLessThan(20_000);
    expect(response.body!.steps.every((s: { stepId: string }) => !s.stepId.includes('['))).toBe(true);
    expect(response.body!.stepCounts).toEqual({
      total: ITEMS + response.body!.steps.length,
      succeeded: ITEMS + response.body!.steps.length,
      failed: 0,
      waiting: 0,
      running: 0,
    });
  });

  it('leaves a large input out of the run list, saying so', async () => {
    const listed = (await api('GET', '/v1/executions')).body!.items.find(
      (e: { id: string }) => e.id === run.id,
    );
    expect(listed).toMatchObject({ id: run.id, status: 'succeeded', omitted: ['input'] });
    expect(listed.input).toBeUndefined();
  });

  it('pages every step record with a cursor, map items in index order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=100&cursor=${cursor}` : '?limit=100';
      const page = await api('GET', `/v1/executions/${run.id}/steps${query}`);
      expect(page.status).toBe(200);
      expect(page.body!.items.length).toBeLessThanOrEqual(100);
      seen.push(...page.body!.items.map((s: { stepId: string }) => s.stepId));
      cursor = page.body!.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(run.stepCounts.total);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `pad[${i}]`));

    const items = await api('GET', `/v1/executions/${run.id}/steps?step=pad&limit=5&status=succeeded`);
    expect(items.body!.items.map((s: { stepId: string }) => s.stepId)).toEqual([
      'pad[0]',
      'pad[1]',
      'pad[2]',
      'pad[3]',
      'pad[4]',
    ]);
    expect(items.body!.items[0].outputPreview.length).toBeGreaterThanOrEqual(500);
  });

  it('refuses a cursor of another run, and answers 404 for a run of another tenant', async () => {
    const page = await api('GET', `/v1/executions/${run.id}/steps?limit=1`);
    const other = await apiClient()('POST', '/v1/recipes/rcp_lead_intelligence/executions', {
      input: { domain: 'kestrel-cargo.example' },
    });
    const foreign = await api(
      'GET',
      `/v1/executions/${other.body!.id}/steps?cursor=${page.body!.nextCursor}`,
    );
    expect(foreign.status).toBe(404);
    const mine = await api('POST', `/v1/executions/${run.id}/cancel`);
    expect(mine.status).toBe(409);
    const otherRun = await api(
      'GET',
      `/v1/executions/${run.id}/steps?cursor=${Buffer.from(
        JSON.stringify({ PK: 'TENANT#x#EXEC#y', SK: 'STEP#a' }),
      ).toString('base64url')}`,
    );
    expect(otherRun.status).toBe(400);
    expect(otherRun.body).toMatchObject({ errors: [{ path: 'cursor' }] });
  });
});
