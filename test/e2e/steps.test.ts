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
