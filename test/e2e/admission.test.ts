// Fair admission through the HTTP API: a free-plan tenant (two runs at once) that starts 30 runs at once has
// all 30 accepted, never more than two running, all 30 succeeded, while another tenant's run starts at once;
// and queued runs survive a restart of the local runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { apiClient, apiClientFor } from '../support/api-client';
import { ledgerSum } from '../support/ledger';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

type Client = ReturnType<typeof apiClient>;

async function onboard(platform: Client, plan: string, client = apiClient) {
  const response = await platform('POST', '/v1/tenants', { name: `admission ${plan}`, plan });
  expect(response.status).toBe(201);
  return client(response.body!.apiKey.key as string);
}

async function recipe(api: Client, steps: unknown[]) {
  const response = await api('POST', '/v1/recipes', { name: 'queued work', mode: 'standard', steps });
  expect(response.status).toBe(201);
  return response.body!.id as string;
}

const work = [
  { id: 'shape', type: 'transform', source: '{{input}}', ops: [] },
  { id: 'pause', type: 'wait', seconds: 1 },
  { id: 'fit', type: 'score', rules: [{ when: { path: 'input.n', op: 'exists' }, points: 1 }] },
];

/**
 * Polls the tenant's account until nothing is queued or running, noting the most ever running; at most
 * ~3 requests a second, within the free plan's rate.
 */
async function untilAllEnded(api: Client, recipeId: string, timeoutMs: number) {
  let mostRunning = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const response = await api('GET', '/v1/credits');
    if (response.status !== 200) continue;
    const credits = response.body!;
    mostRunning = Math.max(mostRunning, credits.running);
    if ((credits.running === 0 && credits.queued === 0) || Date.now() > deadline) {
      const runs = (await api('GET', `/v1/executions?recipeId=${recipeId}&limit=100`)).body!.items as Array<{
        id: string;
        status: string;
        startedAt: string;
        creditsCharged: number;
      }>;
      return { runs, mostRunning, credits };
    }
  }
}

describe('fair admission', () => {
  it('accepts 30 starts from a free plan, runs two at a time, and never holds another tenant back', async () => {
    const platform = apiClient(inject('demo').platformAdminKey);
    const busy = await onboard(platform, 'free');
    const other = await onboard(platform, 'free');
    const busyRecipe = await recipe(busy, work);
    const otherRecipe = await recipe(other, work);
    const before = (await busy('GET', '/v1/credits')).body!;

    const starts = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        busy('POST', `/v1/recipes/${busyRecipe}/executions`, { input: { n } }),
      ),
    );
    expect(starts.map((r) => r.status)).toEqual(Array(30).fill(202));
    const queued = starts.filter((r) => r.body!.status === 'queued');
    expect(queued).toHaveLength(28);
    // Each saw its place when accepted (starts accepted at the same moment may see the same place).
    for (const r of queued) expect(r.body!.queuePosition).toBeGreaterThanOrEqual(1);
    for (const r of queued) expect(r.body!.queuePosition).toBeLessThanOrEqual(28);

    // The other tenant's run starts at once, however long the first tenant's queue.
    const otherRun = await other('POST', `/v1/recipes/${otherRecipe}/executions`, { input: { n: 1 } });
    expect(otherRun.body).toMatchObject({ status: 'running' });

    const { runs, mostRunning, credits } = await untilAllEnded(busy, busyRecipe, 120_000);
    expect(runs).toHaveLength(30);
    expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);
    expect(mostRunning).toBeLessThanOrEqual(2);
    expect(credits).toMatchObject({ running: 0, queued: 0 });
    expect(await ledgerSum(busy)).toBe(credits.balance);

    // Each run charged as one started at once would be.
    const charges = new Set(runs.map((run) => run.creditsCharged));
    expect(charges.size).toBe(1);
    expect(before.balance - credits.balance).toBe(30 * [...charges][0]!);
    // First in, first out: queued runs started in the order they were queued (ids sort by time).
    const queuedIds = new Set(queued.map((r) => r.body!.id));
    const startTimes = runs
      .filter((run) => queuedIds.has(run.id))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((run) => new Date(run.startedAt).getTime());
    expect(startTimes).toEqual([...startTimes].sort((a, b) => a - b));
  }, 180_000);

  it('keeps queued runs across a restart of the local runtime, and starts them after it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-admission-'));
    let runtime = await startRuntimeProcess(dataDir);
    try {
      const platform = apiClientFor(runtime.demo.baseUrl, runtime.demo.platformAdminKey);
      const response = await platform('POST', '/v1/tenants', { name: 'restart', plan: 'free' });
      const key = response.body!.apiKey.key as string;
      let api = apiClientFor(runtime.demo.baseUrl, key);
      const recipeId = await recipe(api, [{ id: 'pause', type: 'wait', seconds: 3 }]);
      const started = [];
      for (let n = 0; n < 6; n++)
        started.push((await api('POST', `/v1/recipes/${recipeId}/executions`, { input: { n } })).body!);
      expect(started.map((run) => run.status)).toEqual([
        'running',
        'running',
        'queued',
        'queued',
        'queued',
        'queued',
      ]);

      await stopProcess(runtime.child);
      rmSync(path.join(dataDir, 'demo.json'), { force: true });
      runtime = await startRuntimeProcess(dataDir);
      api = apiClientFor(runtime.demo.baseUrl, key);

      const { runs, mostRunning, credits } = await untilAllEnded(api, recipeId, 90_000);
      const queuedIds = started.filter((run) => run.status === 'queued').map((run) => run.id);
      // Every queued run started after the restart and succeeded; nothing is held.
      for (const id of queuedIds) expect(runs.find((run) => run.id === id)?.status).toBe('succeeded');
      expect(runs.filter((run) => !['succeeded', 'failed'].includes(run.status))).toEqual([]);
      expect(mostRunning).toBeLessThanOrEqual(2);
      expect(credits).toMatchObject({ running: 0, queued: 0 });
      expect(await ledgerSum(api)).toBe(credits.balance);
    } finally {
      await stopProcess(runtime.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
