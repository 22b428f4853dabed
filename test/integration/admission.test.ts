// Fair admission on DynamoDB Local and the local Step Functions endpoint: a start past the tenant's
// concurrency limit is queued (credits reserved, position shown), started oldest first as slots free, never
// more than the limit at once; another tenant is never held back; a queued run cancels for nothing; the
// sweep admits what no stream consumer did.
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sfnOf } from '../../shared/clients/sfn';
import { getAccount, openAccountIfMissing } from '../../shared/credits/credits';
import { RateLimited } from '../../shared/errors';
import { admitQueued } from '../../shared/executions/admission';
import { queuePosition } from '../../shared/executions/admission-queue';
import { cancelExecution, standardExecutionArn } from '../../shared/executions/execution-control';
import { getExecutionRecord, listExecutions } from '../../shared/executions/execution-repository';
import { startExecution } from '../../shared/executions/start-execution';
import { sweepUnfinishedExecutions } from '../../shared/executions/sweep-executions';
import { createRecipe } from '../../shared/recipes/recipes';
import { putSettings } from '../../shared/settings/settings';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
const actor = { id: 'key_test', role: 'operator' };
// Runs that hold their slot until cancelled.
const waits = { name: 'Waits', mode: 'standard', steps: [{ id: 'pause', type: 'wait', seconds: 300 }] };

async function freeTenant(id: string) {
  await putTenantIfMissing(stack.deps, {
    id,
    name: id,
    plan: 'free',
    status: 'active',
    createdAt: new Date().toISOString(),
  });
  await openAccountIfMissing(stack.deps, id, 'free'); // two runs at once
  return (await createRecipe(stack.deps, id, waits)).id;
}

const start = (tenantId: string, recipeId: string, queue?: boolean) =>
  startExecution(stack.deps, { tenantId, recipeId, input: {}, trigger: 'api', actor, queue });

async function cancelAll(tenantId: string) {
  for (const status of ['running', 'queued'] as const)
    for (const run of (await listExecutions(stack.deps, tenantId, { status, limit: 100 })).items)
      await cancelExecution(stack.deps, tenantId, run.id, actor);
}

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await cancelAll('ten_adm_a');
  await cancelAll('ten_adm_b');
  await stack.stop();
});

describe('fair admission', () => {
  it('queues past the limit, starts the oldest first as slots free, never more than the limit', async () => {
    const recipe = await freeTenant('ten_adm_a');
    const before = await getAccount(stack.deps, 'ten_adm_a');
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await start('ten_adm_a', recipe));
    expect(runs.map((run) => run.status)).toEqual(['running', 'running', 'queued', 'queued', 'queued']);
    expect(runs.map((run) => run.queuePosition)).toEqual([undefined, undefined, 1, 2, 3]);
    // Every run's credits are reserved when it is accepted, queued or not.
    const cost = runs[0]!.creditsReserved;
    expect(await getAccount(stack.deps, 'ten_adm_a')).toMatchObject({
      running: 2,
      queued: 3,
      balance: before.balance - 5 * cost,
    });
    const queuedRecord = await getExecutionRecord(stack.deps, 'ten_adm_a', runs[2]!.id);
    expect(queuedRecord).toMatchObject({ status: 'queued' });
    expect(queuedRecord.startedAt).toBeUndefined();

    // The opt-out answers as before.
    await expect(start('ten_adm_a', recipe, false)).rejects.toBeInstanceOf(RateLimited);
    expect((await getAccount(stack.deps, 'ten_adm_a')).queued).toBe(3);

    // No free slot: nothing is admitted.
    expect(await admitQueued(stack.deps, 'ten_adm_a')).toEqual([]);

    // One run ends: exactly the oldest queued run starts, with the tenant's settings as they are by then.
    await putSettings(stack.deps, 'ten_adm_a', {
      ai: {},
      httpAllowList: ['https://since.example'],
      values: {},
    });
    await cancelExecution(stack.deps, 'ten_adm_a', runs[0]!.id, actor);
    expect(await admitQueued(stack.deps, 'ten_adm_a')).toEqual([runs[2]!.id]);
    const admitted = await getExecutionRecord(stack.deps, 'ten_adm_a', runs[2]!.id);
    expect(admitted).toMatchObject({ status: 'running' });
    const described = await (await sfnOf(stack.deps)).client.send(
      new DescribeExecutionCommand({
        executionArn: await standardExecutionArn(stack.deps, 'ten_adm_a', admitted),
      }),
    );
    expect(JSON.parse(described.input!)).toMatchObject({
      execution: { id: admitted.id, startedAt: admitted.startedAt },
      run: { httpAllowList: ['https://since.example'] },
    });
    expect(await getAccount(stack.deps, 'ten_adm_a')).toMatchObject({ running: 2, queued: 2 });
    expect(await queuePosition(stack.deps, 'ten_adm_a', runs[3]!.id)).toBe(1);

    // A new start with a free slot still waits behind the queue (first in, first out).
    await cancelExecution(stack.deps, 'ten_adm_a', runs[1]!.id, actor);
    const late = await start('ten_adm_a', recipe);
    expect(late).toMatchObject({ status: 'queued', queuePosition: 3 });
    expect(await admitQueued(stack.deps, 'ten_adm_a')).toEqual([runs[3]!.id]);
    expect(await getAccount(stack.deps, 'ten_adm_a')).toMatchObject({ running: 2, queued: 2 });
  });

  it('cancels a queued run for nothing: its reservation back, the ones behind it move up', async () => {
    const before = await getAccount(stack.deps, 'ten_adm_a');
    const queued = (await listExecutions(stack.deps, 'ten_adm_a', { status: 'queued', limit: 10 })).items;
    const [first, second] = [...queued].sort((a, b) => a.id.localeCompare(b.id));
    const cancelled = await cancelExecution(stack.deps, 'ten_adm_a', first!.id, actor);
    expect(cancelled).toMatchObject({ status: 'cancelled', creditsCharged: 0 });
    expect(await getAccount(stack.deps, 'ten_adm_a')).toMatchObject({
      running: before.running,
      queued: before.queued! - 1,
      balance: before.balance + first!.creditsReserved,
    });
    expect(await queuePosition(stack.deps, 'ten_adm_a', second!.id)).toBe(1);
    await expect(cancelExecution(stack.deps, 'ten_adm_a', first!.id, actor)).rejects.toThrow(
      /already cancelled/,
    );
  });

  it('never holds another tenant back, and the sweep admits what no consumer did', async () => {
    const a = await getAccount(stack.deps, 'ten_adm_a');
    expect(a.queued).toBeGreaterThan(0);
    const recipe = await freeTenant('ten_adm_b');
    expect((await start('ten_adm_b', recipe)).status).toBe('running');

    // A frees a slot and nothing admits (no stream consumer in this test): the sweep does.
    const running = (await listExecutions(stack.deps, 'ten_adm_a', { status: 'running', limit: 10 })).items;
    await cancelExecution(stack.deps, 'ten_adm_a', running[0]!.id, actor);
    const swept = await sweepUnfinishedExecutions(stack.deps, new Date(Date.now() - 60_000));
    expect(swept.admitted).toHaveLength(1);
    expect(await getAccount(stack.deps, 'ten_adm_a')).toMatchObject({ running: 2, queued: a.queued! - 1 });
  });
});
