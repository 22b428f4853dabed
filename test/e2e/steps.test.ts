// Step types through the HTTP API: what an editor reads (GET /v1/step-types), and the steps that use the
// registry's newer types and features.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { startFakeServer } from '../support/local-stack';

const platform = apiClient(inject('demo').platformAdminKey);
let admin: ReturnType<typeof apiClient>;
let viewer: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'steps', plan: 'pro' });
  admin = apiClient(onboarded.body!.apiKey.key);
  const key = await admin('POST', '/v1/api-keys', { name: 'read only', role: 'viewer' });
  viewer = apiClient(key.body!.key);
});

describe('GET /v1/step-types', () => {
  it('lists every step type with its schema, price, defaults and an example, to any role', async () => {
    const response = await viewer('GET', '/v1/step-types');
    expect(response.status).toBe(200);
    const types = response.body!.items as Array<Record<string, any>>;
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining([
        'http',
        'ai',
        'transform',
        'score',
        'correspond',
        'review',
        'branch',
        'wait',
        'map',
      ]),
    );
    const http = types.find((t) => t.type === 'http')!;
    expect(http).toMatchObject({
      price: 1,
      defaults: { timeoutSeconds: 30, retry: { maxAttempts: 3 } },
      configSchema: { type: 'object', required: expect.arrayContaining(['id', 'type']) },
      example: { type: 'http' },
    });
    expect(http.configSchema.properties.method.enum).toContain('POST');
    // Every example is accepted as a recipe step.
    for (const type of types) {
      const saved = await admin('POST', '/v1/recipes', {
        name: `example ${type.type}`,
        steps: [type.example],
      });
      expect(saved.status, `${type.type}: ${JSON.stringify(saved.body)}`).toBe(201);
    }
  });
});

describe('the state step', () => {
  it('shares data between runs: put/get, increment, and addToSet where exactly one concurrent run adds a member', async () => {
    const recipe = await admin('POST', '/v1/recipes', {
      name: 'contact once',
      steps: [
        { id: 'seen', type: 'state', op: 'addToSet', key: 'contacted', value: ['{{input.email}}'] },
        { id: 'count', type: 'state', op: 'increment', key: 'runs' },
        { id: 'remember', type: 'state', op: 'put', key: 'last', value: { email: '{{input.email}}' } },
        { id: 'recall', type: 'state', op: 'get', key: 'last' },
      ],
      output: {
        added: '{{steps.seen.output.added}}',
        size: '{{steps.seen.output.size}}',
        runs: '{{steps.count.output.value}}',
        last: '{{steps.recall.output.value}}',
      },
    });
    expect(recipe.status).toBe(201);
    const start = (email: string) =>
      admin('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: { email } });
    const runs = await Promise.all([
      start('ada@example.com'),
      start('ada@example.com'),
      start('bob@example.com'),
    ]);
    for (const run of runs) expect(run.body).toMatchObject({ status: 'succeeded' });
    const ada = runs.slice(0, 2).map((run) => run.body!.output.added as string[]);
    expect(ada.filter((added) => added.length === 1)).toEqual([['ada@example.com']]);
    expect(ada.filter((added) => added.length === 0)).toHaveLength(1);
    expect(runs.map((run) => run.body!.output.runs).sort()).toEqual([1, 2, 3]);
    // Each run reads back the last put of any run (they interleave): one of the two emails.
    expect(runs[2]!.body!.output.added).toEqual(['bob@example.com']);
    for (const run of runs)
      expect(['ada@example.com', 'bob@example.com']).toContain(run.body!.output.last.email);
    expect(Math.max(...runs.map((run) => run.body!.output.size as number))).toBe(2);
  });

  it('keeps tenants apart, and refuses a key used for another kind of data', async () => {
    const other = apiClient(
      (await platform('POST', '/v1/tenants', { name: 'state 2', plan: 'pro' })).body!.apiKey.key,
    );
    const recipe = await other('POST', '/v1/recipes', {
      name: 'read',
      steps: [
        { id: 'recall', type: 'state', op: 'get', key: 'last' },
        { id: 'clash', type: 'state', op: 'put', key: 'runs', value: 1 },
        { id: 'count', type: 'state', op: 'increment', key: 'runs', value: 2 },
      ],
    });
    const run = await other('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body).toMatchObject({
      status: 'failed',
      error: {
        step: 'count',
        type: 'StepRejected',
        message: expect.stringContaining('another kind of data'),
      },
    });
    expect(run.body!.steps[0].outputPreview).toBe('{"value":null}');
  });
});

describe('connections', () => {
  it('give http steps a base URL, headers and a credential by name, under the address policy', async () => {
    const seen: Array<{ url?: string; headers: Record<string, unknown> }> = [];
    const crm = await startFakeServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end('{"id":7,"name":"Ada"}');
    });
    try {
      await admin('PUT', '/v1/settings', { httpAllowList: [crm.url] });
      expect(
        (
          await admin('PUT', '/v1/credentials/crm-token', {
            type: 'http_bearer',
            value: { token: 's3cret-token' },
          })
        ).status,
      ).toBe(201);
      const created = await admin('PUT', '/v1/connections/crm', {
        baseUrl: `${crm.url}/api/`,
        headers: { 'x-api-version': '2' },
        credential: 'crm-token',
        description: 'our CRM',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'crm',
        baseUrl: `${crm.url}/api/`,
        credential: 'crm-token',
      });
      expect((await viewer('GET', '/v1/connections/crm')).body).toMatchObject({ name: 'crm' });
      expect((await viewer('GET', '/v1/connections')).body!.items).toHaveLength(1);
      expect((await viewer('PUT', '/v1/connections/crm', { baseUrl: crm.url })).status).toBe(403);
      expect(JSON.stringify((await viewer('GET', '/v1/connections')).body)).not.toContain('s3cret-token');

      const recipe = await admin('POST', '/v1/recipes', {
        name: 'lead from the CRM',
        steps: [
          {
            id: 'lead',
            type: 'http',
            connection: 'crm',
            path: '/leads/{{input.id}}',
            headers: { 'x-trace': '1' },
          },
        ],
        output: '{{steps.lead.output.body}}',
      });
      expect(recipe.status).toBe(201);
      const run = await admin('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, {
        input: { id: 7 },
      });
      expect(run.body).toMatchObject({ status: 'succeeded', output: { id: 7, name: 'Ada' } });
      expect(seen.at(-1)).toMatchObject({
        url: '/api/leads/7',
        headers: { 'x-api-version': '2', 'x-trace': '1', authorization: 'Bearer s3cret-token' },
      });

      // The address policy applies to a connection's address too.
      await admin('PUT', '/v1/connections/metadata', { baseUrl: 'http://169.254.169.254/latest' });
      const blocked = await admin('POST', '/v1/recipes', {
        name: 'metadata',
        steps: [{ id: 'peek', type: 'http', connection: 'metadata', path: '/meta-data/' }],
      });
      const refused = await admin('POST', `/v1/recipes/${blocked.body!.id}/executions?wait=true`, {
        input: {},
      });
      expect(refused.body).toMatchObject({ status: 'failed', error: { type: 'StepRejected' } });

      expect((await admin('DELETE', '/v1/connections/crm')).status).toBe(204);
      const gone = await admin('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, {
        input: { id: 7 },
      });
      expect(gone.body).toMatchObject({ status: 'failed', error: { message: 'connection "crm" not found' } });
      expect((await admin('GET', '/v1/connections/crm')).status).toBe(404);
    } finally {
      await crm.close();
    }
  });

  it('refuses a bad connection or a step that says both url and connection, naming the field', async () => {
    const bad = await admin('PUT', '/v1/connections/x', { baseUrl: 'ftp://files.example' });
    expect(bad.status).toBe(422);
    expect(bad.body!.errors[0].path).toBe('baseUrl');
    const noCredential = await admin('PUT', '/v1/connections/x', {
      baseUrl: 'https://x.example',
      credential: 'nope',
    });
    expect(noCredential.body!.errors).toEqual([{ path: 'credential', message: 'no credential "nope"' }]);
    expect((await admin('PUT', '/v1/connections/Bad%20Name', { baseUrl: 'https://x.example' })).status).toBe(
      400,
    );
    const both = await admin('POST', '/v1/recipes', {
      name: 'both',
      steps: [{ id: 'a', type: 'http', url: 'https://x.example', connection: 'crm' }],
    });
    expect(both.status).toBe(422);
    expect(both.body!.errors[0]).toMatchObject({
      path: 'steps[0].url',
      message: 'set exactly one of url or connection',
    });
  });
});

describe('POST /v1/steps/test', () => {
  it('runs one step as a run would, charges its price, and records no run', async () => {
    const before = (await admin('GET', '/v1/credits')).body!.balance as number;
    const runsBefore = (await admin('GET', '/v1/executions?limit=100')).body!.items.length;
    const tried = await admin('POST', '/v1/steps/test', {
      step: {
        id: 'pick',
        type: 'transform',
        source: '{{steps.fetch.output.items}}',
        ops: [{ op: 'limit', count: 1 }],
      },
      steps: { fetch: { output: { items: [{ n: 1 }, { n: 2 }] } } },
    });
    expect(tried.status).toBe(200);
    expect(tried.body).toMatchObject({ status: 'succeeded', output: [{ n: 1 }], error: null, charged: 1 });
    expect(tried.body!.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await admin('GET', '/v1/credits')).body!.balance).toBe(before - 1);
    const ledger = (await admin('GET', '/v1/credits/transactions?limit=5')).body!.items;
    expect(ledger[0]).toMatchObject({ type: 'step_test', amount: -1 });
    expect((await admin('GET', '/v1/executions?limit=100')).body!.items).toHaveLength(runsBefore);

    const ai = await admin('POST', '/v1/steps/test', {
      step: { id: 'say', type: 'ai', prompt: 'Name a colour for {{input.thing}}.' },
      input: { thing: 'the sea' },
    });
    expect(ai.body).toMatchObject({ status: 'succeeded', charged: 5, usage: { provider: 'offline' } });
  });

  it('answers a failing step with its error, under the address policy', async () => {
    const refused = await admin('POST', '/v1/steps/test', {
      step: { id: 'peek', type: 'http', url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(refused.body).toMatchObject({
      status: 'failed',
      output: null,
      error: { type: 'StepRejected', message: expect.stringContaining('metadata') },
    });
  });

  it('tells what a control step would do, without waiting and free', async () => {
    const branch = await admin('POST', '/v1/steps/test', {
      step: {
        id: 'route',
        type: 'branch',
        cases: [{ when: { path: 'input.n', op: 'gt', value: 5 }, goto: 'big' }],
        default: 'small',
      },
      input: { n: 9 },
    });
    expect(branch.body).toMatchObject({
      status: 'succeeded',
      output: { next: 'big', matchedCase: 0 },
      charged: 0,
    });
    const map = await admin('POST', '/v1/steps/test', {
      step: {
        id: 'each',
        type: 'map',
        items: '{{input.rows}}',
        maxItems: 2,
        steps: [{ id: 'x', type: 'wait', seconds: 1 }],
      },
      input: { rows: [1, 2, 3] },
    });
    expect(map.body!.output).toMatchObject({
      items: [1, 2, 3],
      count: 3,
      problem: 'more items than maxItems (2)',
    });
    const wait = await admin('POST', '/v1/steps/test', { step: { id: 'w', type: 'wait', seconds: 3600 } });
    expect(Date.parse(wait.body!.output.until) - Date.now()).toBeGreaterThan(3500_000);
    const review = await admin('POST', '/v1/steps/test', {
      step: { id: 'ok', type: 'review', message: 'Send to {{input.to}}?' },
      input: { to: 'ada@example.com' },
    });
    expect(review.body!.output).toMatchObject({ message: 'Send to ada@example.com?', onTimeout: 'reject' });
  });

  it('is for operators, and refuses a step that is not valid, naming the field', async () => {
    expect(
      (await viewer('POST', '/v1/steps/test', { step: { id: 'w', type: 'wait', seconds: 1 } })).status,
    ).toBe(403);
    const invalid = await admin('POST', '/v1/steps/test', { step: { id: 'h', type: 'http', method: 'GET' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body!.errors[0].path).toBe('step.url');
  });
});
