import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocations } from '../../infra/local/runtime';
import { sfnOf } from '../../shared/clients/sfn';
import { getAccount, openAccountIfMissing } from '../../shared/credits/credits';
import { keys } from '../../shared/data/keys';
import {
  countSteps,
  getExecutionWithSteps,
  listStepPage,
  listStepRecords,
} from '../../shared/executions/execution-repository';
import { startExecution, waitForExecution } from '../../shared/executions/start-execution';
import { getStepOutput } from '../../shared/executions/step-output';
import { createRecipe } from '../../shared/recipes/recipes';
import { putSettings } from '../../shared/settings/settings';
import { type LocalStack, startFakeServer, startLocalStack } from '../support/local-stack';
import { threeStepRecipe } from '../support/recipes';

const TENANT = 'ten_flow';
let stack: LocalStack;
let directory: Awaited<ReturnType<typeof startFakeServer>>;
let flakyCalls = 0;
const orderKeys: Array<string | undefined> = [];

beforeAll(async () => {
  stack = await startLocalStack();
  directory = await startFakeServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/companies/acme.example')
      return res.end(JSON.stringify({ name: 'Acme', employees: 120 }));
    if (req.url === '/flaky/acme.example') {
      flakyCalls += 1;
      if (flakyCalls === 1) {
        res.statusCode = 503;
        return res.end('{"message":"try later"}');
      }
      return res.end(JSON.stringify({ name: 'Acme after retry', employees: 10 }));
    }
    if (req.url === '/orders') {
      orderKeys.push(req.headers['idempotency-key'] as string | undefined);
      res.statusCode = orderKeys.length === 1 ? 503 : 201;
      return res.end('{"ok":true}');
    }
    if (req.url === '/lookups') {
      orderKeys.push(req.headers['idempotency-key'] as string | undefined);
      return res.end('{"ok":true}');
    }
    res.statusCode = 404;
    res.end('{"message":"no such company"}');
  });
  await putSettings(stack.deps, TENANT, { ai: {}, httpAllowList: [directory.url], values: {} });
  await openAccountIfMissing(stack.deps, TENANT, 'enterprise');
  await openAccountIfMissing(stack.deps, 'ten_no_allow_list', 'free');
});
afterAll(async () => {
  await stack.stop();
  await directory.close();
});

/** The sort keys of a run's step items (its own steps', not its map items'). */
async function stepItemKeys(executionId: string) {
  const { Items = [] } = await stack.deps.db.send(
    new QueryCommand({
      TableName: stack.deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :steps)',
      ExpressionAttributeValues: { ':pk': keys.stepsOf(TENANT, executionId), ':steps': 'STEP#' },
    }),
  );
  return Items.map((item) => String(item.SK));
}

async function run(recipe: unknown, input: unknown, tenantId = TENANT) {
  const created = await createRecipe(stack.deps, tenantId, recipe);
  const started = await startExecution(stack.deps, {
    tenantId,
    recipeId: created.id,
    input,
    trigger: 'api',
    actor: { id: 'key_test', role: 'admin' },
  });
  const execution = await waitForExecution(stack.deps, tenantId, started.id, 20_000);
  // Every step record, map items included (the API pages those apart).
  return { ...execution, steps: await listStepRecords(stack.deps, tenantId, started.id) };
}

describe('a recipe run through aws-local-stepfunctions with the real handlers', () => {
  it('runs http → ai → score and records every step', async () => {
    const execution = await run(threeStepRecipe(directory.url), { domain: 'acme.example' });
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ name: 'Acme', fit: 'warm' });
    expect(execution.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['company', 'succeeded', 1],
      ['analysis', 'succeeded', 1],
      ['fit', 'succeeded', 1],
    ]);
    const ai = execution.steps[1]!;
    expect(ai.usage).toMatchObject({ provider: 'offline', model: 'gpt-4o-mini' });
    expect(ai.usage!.totalTokens).toBeGreaterThan(0);
    expect(execution.steps[0]!.outputPreview).toContain('"employees":120');
    expect(execution.durationMs).toBeGreaterThanOrEqual(0);
    await stack.idle();
    expect(stack.transitions(execution.executionArn!)).toBe(3); // 3 steps, Finalize fused with the last
  });

  it('retries a step that fails transiently and then succeeds, counting attempts', async () => {
    const recipe = threeStepRecipe(directory.url);
    Object.assign(recipe.steps[0]!, {
      url: `${directory.url}/flaky/{{input.domain}}`,
      retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 1, jitter: 'none' },
    });
    const execution = await run(recipe, { domain: 'acme.example' });
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ name: 'Acme after retry', fit: 'cold' });
    expect(execution.steps[0]).toMatchObject({ stepId: 'company', status: 'succeeded', attempts: 2 });
    expect(execution.steps[0]!.error).toBeUndefined();
    await stack.idle();
    expect(stack.transitions(execution.executionArn!)).toBe(4); // a retry is a billed transition too
  });

  it('sends one Idempotency-Key for every attempt of a side-effecting http step, and none on GET', async () => {
    const recipe = {
      name: 'Place order',
      steps: [
        {
          id: 'order',
          type: 'http',
          method: 'POST',
          url: `${directory.url}/orders`,
          body: { domain: '{{input.domain}}' },
          retry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 1, jitter: 'none' },
        },
        { id: 'lookup', type: 'http', url: `${directory.url}/lookups` },
      ],
    };
    const execution = await run(recipe, { domain: 'acme.example' });
    expect(execution.status).toBe('succeeded');
    expect(execution.steps[0]).toMatchObject({ stepId: 'order', attempts: 2 });
    expect(orderKeys).toEqual([`${execution.id}/order`, `${execution.id}/order`, undefined]);
  });

  it('fails the run at a step that fails permanently, without retrying it or running later steps', async () => {
    const execution = await run(threeStepRecipe(directory.url), { domain: 'missing.example' });
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({
      step: 'company',
      type: 'StepRejected',
      message: `GET ${directory.url}/companies/missing.example answered 404`,
    });
    expect(execution.steps).toHaveLength(1);
    expect(execution.steps[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { type: 'StepRejected' },
    });
  });

  it('refuses a loopback target that is not on the tenant allow-list', async () => {
    const execution = await run(
      threeStepRecipe(directory.url),
      { domain: 'acme.example' },
      'ten_no_allow_list',
    );
    expect(execution.status).toBe('failed');
    expect(execution.error?.message).toContain('loopback');
    expect(execution.error?.message).toContain('httpAllowList');
  });

  it('continues past a failed step when onError is continue', async () => {
    const recipe = threeStepRecipe(directory.url);
    Object.assign(recipe.steps[0]!, { onError: 'continue' });
    const execution = await run(recipe, { domain: 'missing.example' });
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ name: null, fit: 'cold' });
    const stored = await getExecutionWithSteps(stack.deps, TENANT, execution.id);
    expect(stored.steps.map((s) => s.status)).toEqual(['failed', 'succeeded', 'succeeded']);
  });

  it('rejects input that breaks the recipe input schema, naming the field, and writes nothing', async () => {
    const created = await createRecipe(stack.deps, TENANT, threeStepRecipe(directory.url));
    await expect(
      startExecution(stack.deps, {
        tenantId: TENANT,
        recipeId: created.id,
        input: { domain: 5 },
        trigger: 'api',
        actor: { id: 'key_test', role: 'admin' },
      }),
    ).rejects.toMatchObject({ status: 422, errors: [{ path: 'input.domain', message: 'must be string' }] });
  });
});

describe('fused steps through aws-local-stepfunctions', () => {
  const pure = (id: string, source: unknown, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'transform',
    source,
    ops: [],
    ...extra,
  });

  it('runs transform, transform, score and Finalize in one Task and one invocation, each step recorded', async () => {
    invocations.length = 0;
    const execution = await run(
      {
        name: 'reference',
        steps: [
          pure('a', '{{input}}'),
          pure('b', { x: '{{steps.a.output.x}}', doubled: ['{{steps.a.output.x}}', '{{steps.a.output.x}}'] }),
          {
            id: 'c',
            type: 'score',
            rules: [{ when: { path: 'steps.b.output.x', op: 'gte', value: 1 }, points: 5 }],
          },
        ],
      },
      { x: 2 },
    );
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ score: 5, band: null, matched: [0] });
    expect(execution.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 1],
      ['c', 'succeeded', 1],
    ]);
    expect(execution.creditsCharged).toBe(4); // the run and three steps, as unfused
    await stack.idle();
    expect(stack.transitions(execution.executionArn!)).toBe(1);
    expect(invocations.map((i) => i.name)).toEqual(['finalize']);
    // The three records are one item, written once; every reader sees three records.
    expect(await stepItemKeys(execution.id)).toEqual(['STEP#~a']);
    const b = execution.steps[1]!;
    expect(b.history).toEqual([
      { attempt: 1, status: 'succeeded', startedAt: b.startedAt, latencyMs: b.latencyMs },
    ]);
    expect(b.outputPreview).toBe(JSON.stringify({ x: 2, doubled: [2, 2] }));
    expect(await getStepOutput(stack.deps, TENANT, execution.id, 'b')).toEqual({
      output: { x: 2, doubled: [2, 2] },
      bytes: b.outputPreview!.length,
    });
    const succeeded = await listStepPage(stack.deps, TENANT, execution.id, { status: 'succeeded' });
    expect(succeeded.items.map((s) => s.stepId)).toEqual(['a', 'b', 'c']);
    // A page may end inside the item: its cursor resumes there, and no page holds more than its limit.
    for (const request of [{ limit: 1 }, { limit: 2 }, { limit: 2, status: 'succeeded' as const }]) {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listStepPage(stack.deps, TENANT, execution.id, {
          ...request,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(request.limit);
        pages.push(page.items.map((s) => s.stepId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages.flat()).toEqual(['a', 'b', 'c']);
    }
    await expect(
      listStepPage(stack.deps, TENANT, execution.id, { limit: 1, cursor: 'e30.x' }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await listStepPage(stack.deps, TENANT, execution.id, { status: 'failed' })).items).toEqual([]);
    const shown = await getExecutionWithSteps(stack.deps, TENANT, execution.id);
    expect(shown.steps.map((s) => s.stepId)).toEqual(['a', 'b', 'c']);
    expect(shown.stepCounts).toMatchObject({ succeeded: 3 });
  });

  it('records a group of 60 fusable steps in one item, written in parts (an update expression stops at 4 KB)', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const execution = await run(
      {
        name: 'long group',
        steps: ids.map((id, i) => pure(id, i === 0 ? '{{input.x}}' : `{{steps.s${i - 1}.output}}`)),
      },
      { x: 7 },
    );
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toBe(7);
    expect(execution.steps.map((s) => [s.stepId, s.status, s.history?.length])).toEqual(
      ids.map((id) => [id, 'succeeded', 1]),
    );
    expect(execution.creditsCharged).toBe(61);
    expect(await stepItemKeys(execution.id)).toEqual(['STEP#~s0']);
  });

  it('settles a run whose fused step fails inside the group: failed at that step, later steps never run', async () => {
    const before = await getAccount(stack.deps, TENANT);
    const execution = await run(
      {
        name: 'fused failure',
        steps: [
          pure('a', '{{input}}'),
          pure('bad', '{{input.missing}}', { ops: [{ op: 'limit', count: 1 }] }),
          pure('never', 1),
        ],
      },
      { x: 1 },
    );
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ step: 'bad', type: 'StepRejected' });
    expect(execution.error!.message).toContain('needs an array');
    expect(execution.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['a', 'succeeded'],
      ['bad', 'failed'],
    ]);
    expect(execution.creditsCharged).toBe(3);
    expect((await getAccount(stack.deps, TENANT)).running).toBe(before.running);
    await stack.idle();
    const described = await (await sfnOf(stack.deps)).client.send(
      new DescribeExecutionCommand({ executionArn: execution.executionArn! }),
    );
    expect(described.status).toBe('FAILED');
  });

  it('goes on past a fused step whose onError is continue, with its error in the state', async () => {
    const execution = await run(
      {
        name: 'fused continue',
        steps: [
          pure('bad', '{{input.missing}}', { ops: [{ op: 'limit', count: 1 }], onError: 'continue' }),
          pure('after', { error: '{{steps.bad.error.Error}}' }),
        ],
      },
      {},
    );
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ error: 'StepRejected' });
    expect(execution.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['bad', 'failed'],
      ['after', 'succeeded'],
    ]);
  });

  it('retries only the anchor of a group with its own policy, running the fusable steps before it again', async () => {
    flakyCalls = 0;
    const execution = await run(
      {
        name: 'anchored',
        steps: [
          pure('before', '{{input.domain}}'),
          {
            id: 'company',
            type: 'http',
            url: `${directory.url}/flaky/{{steps.before.output}}`,
            retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 1, jitter: 'none' },
          },
          pure('after', '{{steps.company.output.body.name}}'),
          { id: 'last', type: 'http', url: `${directory.url}/companies/acme.example` },
        ],
        output: '{{steps.after.output}}',
      },
      { domain: 'acme.example' },
    );
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toBe('Acme after retry');
    expect(execution.steps.map((s) => [s.stepId, s.attempts])).toEqual([
      ['before', 2],
      ['company', 2],
      ['after', 2],
      ['last', 1],
    ]);
    expect(flakyCalls).toBe(2);
    // The fusable steps' records share one item, written as the anchor's failure left the group and again at
    // its end; the anchor (a paid step) keeps a record of its own.
    expect(await stepItemKeys(execution.id)).toEqual(['STEP#company', 'STEP#last', 'STEP#~before']);
    const attempts = (id: string) =>
      execution.steps.find((s) => s.stepId === id)!.history!.map((h) => [h.attempt, h.status]);
    expect(attempts('before')).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
    ]);
    expect(attempts('company')).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(attempts('after')).toEqual([[2, 'succeeded']]);
  });

  it('settles a run that is one group from the items its invocation wrote, a failed step included', async () => {
    invocations.length = 0;
    const execution = await run(
      {
        name: 'whole run in one group',
        steps: [
          pure('before', '{{input.domain}}'),
          pure('skipped', '{{input.missing}}', { ops: [{ op: 'limit', count: 1 }], onError: 'continue' }),
          pure('after', { domain: '{{steps.before.output}}', error: '{{steps.skipped.error.Error}}' }),
        ],
      },
      { domain: 'acme.example' },
    );
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ domain: 'acme.example', error: 'StepRejected' });
    expect(invocations.map((i) => i.name)).toEqual(['finalize']);
    expect(await stepItemKeys(execution.id)).toEqual(['STEP#~before']);
    // What the settlement wrote from the item as written equals what the stored records give.
    expect(execution.stepCounts).toEqual(countSteps(execution.steps));
    expect(execution.stepCounts).toMatchObject({ succeeded: 2, failed: 1 });
    expect(execution.creditsCharged).toBe(execution.creditsReserved); // the run and its three steps
    expect(execution.creditsCharged).toBe(4);
  });
});

describe('control flow through aws-local-stepfunctions', () => {
  const flow = (directoryUrl: string) => ({
    name: 'branch and map',
    steps: [
      {
        id: 'route',
        type: 'branch',
        cases: [{ when: { path: 'input.mode', op: 'eq', value: 'skip' }, goto: 'end' }],
        default: 'each',
      },
      {
        id: 'each',
        type: 'map',
        items: '{{input.domains}}',
        maxConcurrency: 2,
        steps: [
          { id: 'company', type: 'http', url: `${directoryUrl}/companies/{{item}}` },
          { id: 'name', type: 'transform', source: '{{steps.company.output.body.name}}', ops: [] },
        ],
      },
    ],
    output: { names: '{{steps.each.output}}' },
  });

  it('maps over items with `item` in templates and records each item’s steps', async () => {
    const execution = await run(flow(directory.url), {
      mode: 'all',
      domains: ['acme.example', 'acme.example', 'acme.example'],
    });
    expect(execution.status).toBe('succeeded');
    expect(execution.output).toEqual({ names: ['Acme', 'Acme', 'Acme'] });
    expect(execution.steps.map((s) => s.stepId).sort()).toEqual([
      'company[0]',
      'company[1]',
      'company[2]',
      'name[0]',
      'name[1]',
      'name[2]',
    ]);
  });

  it('branches to the end when a case matches, and a failing item fails the run at the map', async () => {
    const skipped = await run(flow(directory.url), { mode: 'skip', domains: ['acme.example'] });
    expect(skipped).toMatchObject({ status: 'succeeded', output: { names: null }, steps: [] });
    const failed = await run(flow(directory.url), {
      mode: 'all',
      domains: ['acme.example', 'missing.example'],
    });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ step: 'each', type: 'StepRejected' });
  });

  it('reserves a map for maxItems items and charges each item’s steps that ran', async () => {
    const recipe = { ...flow(directory.url), name: 'priced map' };
    (recipe.steps[1] as { maxItems?: number }).maxItems = 5;
    // route (branch) 0 + 5 items × (http 1 + transform 1) + the run 1
    const execution = await run(recipe, {
      mode: 'all',
      domains: ['acme.example', 'acme.example', 'acme.example'],
    });
    expect(execution).toMatchObject({ status: 'succeeded', creditsReserved: 11, creditsCharged: 7 });
    expect(execution.prices).toMatchObject({
      run: 1,
      maps: { each: { maxItems: 5, steps: ['company', 'name'] } },
    });
  });

  it('fails a run whose map has more items than its maxItems, saying so, charged for what ran only', async () => {
    const recipe = { ...flow(directory.url), name: 'capped map' };
    (recipe.steps[1] as { maxItems?: number }).maxItems = 2;
    const execution = await run(recipe, {
      mode: 'all',
      domains: ['acme.example', 'acme.example', 'acme.example', 'acme.example'],
    });
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatchObject({ step: 'each', message: expect.stringContaining('maxItems (2)') });
    expect(execution.creditsReserved).toBe(5);
    expect(execution.creditsCharged).toBeLessThanOrEqual(5);
    expect(execution.steps.every((s) => /\[[01]\]$/.test(s.stepId))).toBe(true);
  });
});
