// Human review through the HTTP API, on a runtime of its own so it can be restarted while a run waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientFor } from '../support/api-client';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';
import { until } from '../support/until';

const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-review-'));
let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let api: ReturnType<typeof apiClientFor>;

beforeAll(async () => {
  runtime = await startRuntimeProcess(dataDir);
  api = apiClientFor(runtime.demo.baseUrl, runtime.demo.apiKey);
}, 120_000);
afterAll(async () => {
  await stopProcess(runtime.child);
  rmSync(dataDir, { recursive: true, force: true });
});

const gated = (extra: Record<string, unknown> = {}) => ({
  name: 'gated',
  steps: [
    {
      id: 'draft',
      type: 'transform',
      source: { subject: 'Hello {{input.name}}', body: 'Original body' },
      ops: [],
    },
    {
      id: 'approval',
      type: 'review',
      message: 'Send this to {{input.name}}?',
      data: '{{steps.draft.output}}',
      ...extra,
    },
    { id: 'final', type: 'transform', source: '{{steps.approval.output.data}}', ops: [] },
  ],
});

async function startAndWaitForReview(recipe: unknown, input: unknown) {
  const created = await api('POST', '/v1/recipes', recipe);
  const started = await api('POST', `/v1/recipes/${created.body!.id}/executions`, { input });
  const execution = await until(
    async () => (await api('GET', `/v1/executions/${started.body!.id}`)).body!,
    (e) => e.status === 'waiting_review',
  );
  const reviews = await api('GET', '/v1/reviews?status=pending');
  const review = reviews.body!.items.find((r: { executionId: string }) => r.executionId === execution.id);
  return { execution, review };
}

describe('review', () => {
  it('waits, lists the review, and an approval with edits resumes the run with them; a second decision is 409', async () => {
    const { execution, review } = await startAndWaitForReview(gated(), { name: 'Ada' });
    expect(review).toMatchObject({
      stepId: 'approval',
      message: 'Send this to Ada?',
      data: { subject: 'Hello Ada', body: 'Original body' },
    });
    expect(JSON.stringify(review)).not.toContain('taskToken');
    const decided = await api('POST', `/v1/reviews/${review.id}/decision`, {
      decision: 'approve',
      edits: { body: 'Edited body' },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'approved',
      decision: { decision: 'approve', edits: { body: 'Edited body' } },
    });
    const done = await until(
      async () => (await api('GET', `/v1/executions/${execution.id}`)).body!,
      (e) => e.status === 'succeeded',
    );
    expect(done.output).toEqual({ subject: 'Hello Ada', body: 'Edited body' });
    expect((await api('POST', `/v1/reviews/${review.id}/decision`, { decision: 'reject' })).status).toBe(409);
  });

  it('fails the run on a rejection', async () => {
    const { execution, review } = await startAndWaitForReview(gated(), { name: 'Bob' });
    await api('POST', `/v1/reviews/${review.id}/decision`, { decision: 'reject', comment: 'wrong tone' });
    const done = await until(
      async () => (await api('GET', `/v1/executions/${execution.id}`)).body!,
      (e) => e.status === 'failed',
    );
    expect(done.error).toMatchObject({ step: 'approval', type: 'ReviewRejected', message: 'wrong tone' });
  });

  it('applies onTimeout approve when nobody decides in time', async () => {
    const created = await api('POST', '/v1/recipes', gated({ timeoutSeconds: 1, onTimeout: 'approve' }));
    const run = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, {
      input: { name: 'Cy' },
    });
    expect(run.body).toMatchObject({
      status: 'succeeded',
      output: { subject: 'Hello Cy', body: 'Original body' },
    });
  });

  it('closes the pending review when its run is cancelled, and refuses a late decision', async () => {
    const { execution, review } = await startAndWaitForReview(gated(), { name: 'Eve' });
    expect((await api('POST', `/v1/executions/${execution.id}/cancel`)).status).toBe(200);
    const pending = (await api('GET', '/v1/reviews?status=pending')).body!.items;
    expect(pending.map((r: { id: string }) => r.id)).not.toContain(review.id);
    const expired = (await api('GET', '/v1/reviews?status=expired')).body!.items;
    expect(expired.find((r: { id: string }) => r.id === review.id)).toMatchObject({
      status: 'expired',
      reason: 'the run ended (cancelled) before a decision',
    });
    const late = await api('POST', `/v1/reviews/${review.id}/decision`, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect((await api('GET', `/v1/executions/${execution.id}`)).body!.status).toBe('cancelled');
  });

  it('keeps a waiting run across a restart of the runtime, and the decision still resumes it', async () => {
    const { execution, review } = await startAndWaitForReview(gated(), { name: 'Dee' });
    await stopProcess(runtime.child);
    runtime = await startRuntimeProcess(dataDir);
    api = apiClientFor(runtime.demo.baseUrl, runtime.demo.apiKey);
    await until(
      async () => (await api('GET', '/v1/reviews?status=pending')).body!.items.length,
      (n) => n > 0,
    );
    const decided = await api('POST', `/v1/reviews/${review.id}/decision`, {
      decision: 'approve',
      edits: { body: 'After restart' },
    });
    expect(decided.status).toBe(200);
    const done = await until(
      async () => (await api('GET', `/v1/executions/${execution.id}`)).body!,
      (e) => e.status === 'succeeded',
    );
    expect(done.output).toEqual({ subject: 'Hello Dee', body: 'After restart' });
    expect(done.steps.filter((s: { stepId: string }) => s.stepId === 'draft')).toHaveLength(1);
  }, 60_000);
});
