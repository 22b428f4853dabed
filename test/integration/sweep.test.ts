// The sweep of unfinished runs: a run recorded as running that the engine never had (the process stopped
// between recording it and starting its workflow, or the local runner lost it in a crash) is settled — failed,
// its credits refunded, its concurrency slot freed — while a run the engine still has is left alone, and an
// Express run (which the service cannot describe) is settled only once it is past Express's time limit.
import { createServer } from 'node:http';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../infra/local/http-server';
import { getAccount, openAccountIfMissing } from '../../shared/credits/credits';
import { cancelExecution } from '../../shared/executions/execution-control';
import { getExecutionRecord } from '../../shared/executions/execution-repository';
import { startExecution } from '../../shared/executions/start-execution';
import { sweepUnfinishedExecutions } from '../../shared/executions/sweep-executions';
import { createRecipe } from '../../shared/recipes/recipes';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';
import { type LocalStack, startLocalStack } from '../support/local-stack';

const TENANT = 'ten_sweep';
let stack: LocalStack;
let lostEngine: { sfn: SFNClient; close: () => void };

/** An engine that accepts every start and forgets it: what a crash right after the record was written leaves. */
async function startForgetfulEngine() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(
        JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y', startDate: 1 }),
      );
    });
  });
  const port = await listen(server, 0);
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { sfn, close: () => server.close() };
}

beforeAll(async () => {
  stack = await startLocalStack();
  lostEngine = await startForgetfulEngine();
  await putTenantIfMissing(stack.deps, {
    id: TENANT,
    name: 'Sweep',
    plan: 'enterprise',
    status: 'active',
    createdAt: new Date().toISOString(),
  });
  await openAccountIfMissing(stack.deps, TENANT, 'enterprise');
});
afterAll(async () => {
  lostEngine.close();
  lostEngine.sfn.destroy();
  await stack.stop();
});

async function start(recipe: unknown, lost: boolean) {
  const created = await createRecipe(stack.deps, TENANT, recipe);
  const deps = lost ? { ...stack.deps, sfn: lostEngine.sfn } : stack.deps;
  return startExecution(deps, {
    tenantId: TENANT,
    recipeId: created.id,
    input: {},
    trigger: 'api',
    actor: { id: 'key_test', role: 'admin' },
  });
}

const waiting = {
  name: 'Waits',
  mode: 'standard',
  steps: [
    { id: 'score', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }] },
    { id: 'pause', type: 'wait', seconds: 300 },
  ],
};
const quick = {
  name: 'Quick',
  mode: 'express',
  steps: [{ id: 'shape', type: 'transform', source: '{{input}}', ops: [] }],
};

describe('the sweep of unfinished runs', () => {
  it('settles a Standard run the engine never had, and leaves one it has running', async () => {
    const before = await getAccount(stack.deps, TENANT);
    const lost = await start(waiting, true);
    const alive = await start(waiting, false);
    expect((await getAccount(stack.deps, TENANT)).running).toBe(before.running + 2);

    const swept = await sweepUnfinishedExecutions(stack.deps, new Date(Date.now() + 1000));
    expect(swept.settled).toEqual([lost.id]);
    expect(swept.checked).toBeGreaterThanOrEqual(2);
    expect(await getExecutionRecord(stack.deps, TENANT, lost.id)).toMatchObject({
      status: 'failed',
      creditsCharged: 0,
      error: { type: 'RunLost' },
    });
    expect((await getExecutionRecord(stack.deps, TENANT, alive.id)).status).toBe('running');
    // A second sweep finds nothing more to do.
    expect((await sweepUnfinishedExecutions(stack.deps, new Date(Date.now() + 1000))).settled).toEqual([]);

    const cancelled = await cancelExecution(stack.deps, TENANT, alive.id, { id: 'key_test', role: 'admin' });
    const after = await getAccount(stack.deps, TENANT);
    expect(after.running).toBe(before.running);
    // Only the live run is charged (for what it ran); the lost one refunded everything.
    expect(after.balance).toBe(before.balance - cancelled.creditsCharged!);
  });

  it('leaves runs created after the cut-off alone, and settles a lost Express run past its time limit', async () => {
    const before = await getAccount(stack.deps, TENANT);
    const express = await start(quick, true);
    expect(express.engine).toBe('EXPRESS');
    expect((await sweepUnfinishedExecutions(stack.deps, new Date(Date.now() - 60_000))).settled).toEqual([]);
    // Within five minutes of its start an Express run may still be going.
    expect((await sweepUnfinishedExecutions(stack.deps, new Date(Date.now() + 1000))).settled).toEqual([]);
    const later = new Date(Date.now() + 7 * 60_000);
    expect((await sweepUnfinishedExecutions(stack.deps, later)).settled).toEqual([express.id]);
    expect(await getExecutionRecord(stack.deps, TENANT, express.id)).toMatchObject({
      status: 'failed',
      error: { type: 'RunLost' },
    });
    expect(await getAccount(stack.deps, TENANT)).toMatchObject({
      running: before.running,
      balance: before.balance,
    });
  });
});
