// Cancel and redrive through the HTTP API of the local runtime.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { startFakeServer } from '../support/local-stack';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let flaky: Awaited<ReturnType<typeof startFakeServer>>;
let healthy = false;
const calls: string[] = [];

beforeAll(async () => {
  flaky = await startFakeServer((req, res) => {
    calls.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.statusCode = healthy ? 200 : 404;
    res.end(JSON.stringify(healthy ? { score: 7 } : { message: 'not yet' }));
  });
  const onboarded = await platform('POST', '/v1/tenants', { name: 'control', plan: 'enterprise' });
  api = apiClient(onboarded.body!.apiKey.key);
  await api('PUT', '/v1/settings', { httpAllowList: [flaky.url] });
});
afterAll(() => flaky.close());

async function until(id: string, status: string) {
  for (let i = 0; i < 100; i++) {
    const execution = (await api('GET', `/v1/executions/${id}`)).body!;
    if (execution.status === status) return execution;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`execution ${id} never reached ${status}`);
}

describe('redrive', () => {
  it('reruns a failed run from the failed step without repeating the steps before it', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'redrivable',
      steps: [
        { id: 'first', type: 'http', url: `${flaky.url}/first-step`, expectStatus: [200, 404] },
        { id: 'second', type: 'http', url: `${flaky.url}/second-step` },
        {
          id: 'third',
          type: 'transform',
          source: { first: '{{steps.first.output.status}}', second: '{{steps.second.output.body.score}}' },
          ops: [],
        },
      ],
    });
    const failed = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(failed.body).toMatchObject({ status: 'failed', error: { step: 'second' } });
    expect(calls.filter((c) => c === '/first-step')).toHaveLength(1);
    healthy = true;
    const redriven = await api('POST', `/v1/executions/${failed.body!.id}/redrive`);
    expect(redriven.status).toBe(202);
    expect(redriven.body).toMatchObject({ trigger: 'redrive', redriveOf: failed.body!.id });
    const done = await until(redriven.body!.id, 'succeeded');
    expect(done.output).toEqual({ first: 404, second: 7 });
    expect(done.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['second', 'third']);
    expect(calls.filter((c) => c === '/first-step')).toHaveLength(1);
    expect((await api('POST', `/v1/executions/${done.id}/redrive`)).status).toBe(409);
  });
});

describe('redrive inside a fused group', () => {
  it('resumes at the group of the failed step, running again only the deterministic steps whose output was lost', async () => {
    healthy = false;
    const recipe = await api('POST', '/v1/recipes', {
      name: 'fused redrive',
      steps: [
        { id: 'path', type: 'transform', source: '/fused-anchor', ops: [] },
        { id: 'anchor', type: 'http', url: `${flaky.url}{{steps.path.output}}` },
        { id: 'shape', type: 'transform', source: { score: '{{steps.anchor.output.body.score}}' }, ops: [] },
        { id: 'tail', type: 'http', url: `${flaky.url}/fused-tail` },
      ],
      output: '{{steps.shape.output}}',
    });
    const definition = await api('GET', `/v1/recipes/${recipe.body!.id}/definition`);
    expect(Object.keys(definition.body!.definition.States)).toEqual([
      'path',
      'tail',
      'Finalize',
      'RecordFailure',
      'Failed',
    ]);
    const failed = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(failed.body).toMatchObject({ status: 'failed', error: { step: 'anchor' }, creditsCharged: 3 });
    healthy = true;
    const redriven = await api('POST', `/v1/executions/${failed.body!.id}/redrive`);
    expect(redriven.status).toBe(202);
    const done = await until(redriven.body!.id, 'succeeded');
    expect(done.output).toEqual({ score: 7 });
    // The Catch kept the state from before the group: `path` runs again (deterministic, same output).
    expect(done.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['path', 'anchor', 'shape', 'tail']);
    expect(calls.filter((c) => c === '/fused-anchor')).toHaveLength(2);
  });
});

describe('cancel', () => {
  it('stops a running execution, settles its reservation, and refuses a second cancel', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'slow',
      steps: [
        { id: 'pause', type: 'wait', seconds: 30 },
        { id: 'after', type: 'transform', source: 1, ops: [] },
      ],
    });
    const before = (await api('GET', '/v1/credits')).body!.balance as number;
    const started = await api('POST', `/v1/recipes/${recipe.body!.id}/executions`, { input: {} });
    const cancelled = await api('POST', `/v1/executions/${started.body!.id}/cancel`);
    expect(cancelled.status).toBe(200);
    // the wait is free (not reserved); nothing ran before the cancel, so the whole reservation comes back
    expect(cancelled.body).toMatchObject({ status: 'cancelled', creditsReserved: 2, creditsCharged: 0 });
    expect((await api('GET', '/v1/credits')).body).toMatchObject({ balance: before, running: 0 });
    expect((await api('POST', `/v1/executions/${started.body!.id}/cancel`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect((await api('GET', `/v1/executions/${started.body!.id}`)).body!.status).toBe('cancelled');
  });
});
