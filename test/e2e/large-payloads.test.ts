// A step output far above Step Functions' 256 KiB state limit travels by reference, transparently.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { startFakeServer } from '../support/local-stack';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let big: Awaited<ReturnType<typeof startFakeServer>>;
const items = Array.from({ length: 4000 }, (_, i) => ({
  id: i,
  name: `company ${i}`,
  notes: 'x'.repeat(80),
}));

beforeAll(async () => {
  big = await startFakeServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ items }));
  });
  const onboarded = await platform('POST', '/v1/tenants', { name: 'large payloads', plan: 'enterprise' });
  api = apiClient(onboarded.body!.apiKey.key);
  await api('PUT', '/v1/settings', { httpAllowList: [big.url] });
});
afterAll(() => big.close());

describe('large payloads', () => {
  it('handles a ~400 KB response: later steps read it through the reference', async () => {
    expect(JSON.stringify({ items }).length).toBeGreaterThan(400_000);
    const recipe = await api('POST', '/v1/recipes', {
      name: 'big',
      steps: [
        { id: 'fetch', type: 'http', url: `${big.url}/companies` },
        {
          id: 'top',
          type: 'transform',
          source: '{{steps.fetch.output.body.items}}',
          ops: [
            { op: 'sort', by: 'id', order: 'desc' },
            { op: 'limit', count: 2 },
            { op: 'pick', fields: ['id'] },
          ],
        },
      ],
      output: { top: '{{steps.top.output}}', count: '{{steps.fetch.output.status}}' },
    });
    const run = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body).toMatchObject({
      status: 'succeeded',
      output: { top: [{ id: 3999 }, { id: 3998 }], count: 200 },
    });
    expect(run.body!.steps[0].outputPreview.length).toBeLessThan(1000);
  });

  it('returns a large execution output in full', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'big output',
      steps: [{ id: 'fetch', type: 'http', url: `${big.url}/companies` }],
      output: '{{steps.fetch.output.body}}',
    });
    const run = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body!.status).toBe('succeeded');
    expect(run.body!.output.items).toHaveLength(4000);
  });
});
