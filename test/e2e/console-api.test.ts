// What the web console reads besides the plain resources: who is signed in, one review, a step's whole output
// and its attempts, conditional GETs, and cross-origin preflights.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { until } from '../support/until';

const { baseUrl } = inject('demo');
const platform = apiClient(inject('demo').platformAdminKey);
let admin: ReturnType<typeof apiClient>;
let adminKey: string;
let other: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'console api', plan: 'pro' });
  adminKey = onboarded.body!.apiKey.key;
  admin = apiClient(adminKey);
  other = apiClient(
    (await platform('POST', '/v1/tenants', { name: 'someone else', plan: 'pro' })).body!.apiKey.key,
  );
});

async function finished(id: string) {
  return until(
    async () => (await admin('GET', `/v1/executions/${id}`)).body!,
    (run) => !['queued', 'running', 'waiting_review'].includes(run.status),
    400,
  );
}

describe('the API the console reads', () => {
  it('GET /v1/me names the caller’s tenant and role, never a secret', async () => {
    const me = await admin('GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'admin', plan: 'pro', keyId: expect.stringMatching(/^key_/) });
    expect(JSON.stringify(me.body)).not.toContain(adminKey);
    expect((await platform('GET', '/v1/me')).body).toMatchObject({ role: 'platform', tenantId: 'platform' });
  });

  it('returns a long step output whole on demand, and each attempt of a step', async () => {
    const recipe = await admin('POST', '/v1/recipes', {
      name: 'long output',
      steps: [
        { id: 'long', type: 'transform', source: '{{input.rows}}', ops: [] },
        { id: 'short', type: 'transform', source: '{{input.word}}', ops: [] },
      ],
    });
    const rows = Array.from({ length: 300 }, (_, i) => ({ i, name: `row ${i}` }));
    const started = await admin('POST', `/v1/recipes/${recipe.body!.id}/executions`, { rows, word: 'hi' });
    const run = await finished(started.body!.id);
    expect(run.status).toBe('succeeded');
    const long = run.steps.find((s: { stepId: string }) => s.stepId === 'long');
    expect(long.outputPreview.endsWith('…')).toBe(true);
    expect(long.outputBytes).toBe(Buffer.byteLength(JSON.stringify(rows)));
    expect(long.history).toEqual([expect.objectContaining({ attempt: 1, status: 'succeeded' })]);
    const whole = await admin('GET', `/v1/executions/${run.id}/steps/long/output`);
    expect(whole.status).toBe(200);
    expect(whole.body!.output).toEqual(rows);
    // A short output is its preview; another tenant's run is not found.
    expect((await admin('GET', `/v1/executions/${run.id}/steps/short/output`)).body!.output).toBe('hi');
    expect((await admin('GET', `/v1/executions/${run.id}/steps/nope/output`)).status).toBe(404);
    expect((await other('GET', `/v1/executions/${run.id}/steps/long/output`)).status).toBe(404);
  });

  it('records every failed attempt with its error before the one that ends the step', async () => {
    const recipe = await admin('POST', '/v1/recipes', {
      name: 'fails twice',
      steps: [
        {
          id: 'call',
          type: 'http',
          url: 'http://127.0.0.1:9/nothing-listens-here',
          retry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 1 },
        },
      ],
    });
    const started = await admin('POST', `/v1/recipes/${recipe.body!.id}/executions`, {});
    const run = await finished(started.body!.id);
    expect(run.status).toBe('failed');
    const call = run.steps.find((s: { stepId: string }) => s.stepId === 'call');
    expect(call.history.length).toBe(call.attempts);
    for (const attempt of call.history)
      expect(attempt).toMatchObject({ status: 'failed', error: { type: expect.any(String) } });
  });

  it('answers an unchanged GET 304 to If-None-Match, and a changed one 200', async () => {
    const first = await admin('GET', '/v1/recipes');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await admin('GET', '/v1/recipes', undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    await admin('POST', '/v1/recipes', {
      name: 'changes the list',
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    expect((await admin('GET', '/v1/recipes', undefined, { 'if-none-match': etag })).status).toBe(200);
  });

  it('GET /v1/reviews/{id} shows one review without its task token; another tenant gets 404', async () => {
    const recipe = await admin('POST', '/v1/recipes', {
      name: 'asks',
      steps: [{ id: 'ask', type: 'review', message: 'ok?', data: { a: 1 } }],
    });
    const started = await admin('POST', `/v1/recipes/${recipe.body!.id}/executions`, {});
    const review = await until(
      async () =>
        (await admin('GET', '/v1/reviews')).body!.items.find(
          (r: { executionId: string }) => r.executionId === started.body!.id,
        ),
      (found) => !!found,
      400,
    );
    const one = await admin('GET', `/v1/reviews/${review.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: review.id, status: 'pending', data: { a: 1 }, message: 'ok?' });
    expect(JSON.stringify(one.body)).not.toMatch(/token/i);
    expect((await other('GET', `/v1/reviews/${review.id}`)).status).toBe(404);
    await admin('POST', `/v1/executions/${started.body!.id}/cancel`);
  });

  it('answers a cross-origin preflight before any authorizer, and names the origin on answers', async () => {
    const preflight = await fetch(`${baseUrl}/v1/recipes`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://console.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const answer = await admin('GET', '/v1/recipes', undefined, { origin: 'https://console.example' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toContain('etag');
  });
});
