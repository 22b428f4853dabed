// Step types through the HTTP API: what an editor reads (GET /v1/step-types), and the steps that use the
// registry's newer types and features.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';

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
      configSchema: { type: 'object', required: expect.arrayContaining(['id', 'type', 'url']) },
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
    expect(runs[2]!.body!.output).toMatchObject({
      added: ['bob@example.com'],
      last: { email: 'bob@example.com' },
    });
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
