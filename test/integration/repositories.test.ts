import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from '../../shared/agents/agents';
import { NotFound, ValidationFailed } from '../../shared/errors';
import {
  listExecutions,
  putExecution,
  transitionExecution,
} from '../../shared/executions/execution-repository';
import {
  createRecipe,
  getRecipe,
  getRecipeDefinition,
  listRecipeVersions,
  updateRecipe,
} from '../../shared/recipes/recipes';
import { getSettings, putSettings } from '../../shared/settings/settings';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { threeStepRecipe } from '../support/recipes';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

describe('agents on DynamoDB Local', () => {
  it('creates, reads, updates, lists with a cursor and deletes', async () => {
    const { deps } = stack;
    const created = await Promise.all(['A', 'B', 'C'].map((name) => createAgent(deps, 'ten_a', { name })));
    await createAgent(deps, 'ten_b', { name: 'other tenant' });
    const updated = await updateAgent(deps, 'ten_a', created[0]!.id, { name: 'A2', description: 'd' });
    expect(await getAgent(deps, 'ten_a', created[0]!.id)).toEqual(updated);

    const first = await listAgents(deps, 'ten_a', { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await listAgents(deps, 'ten_a', { limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((a) => a.name).sort()).toEqual(['A2', 'B', 'C']);

    await deleteAgent(deps, 'ten_a', created[1]!.id);
    await expect(getAgent(deps, 'ten_a', created[1]!.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('keeps tenants apart: another tenant id reads nothing and a foreign cursor is refused', async () => {
    const { deps } = stack;
    const mine = await createAgent(deps, 'ten_c', { name: 'mine' });
    await expect(getAgent(deps, 'ten_d', mine.id)).rejects.toBeInstanceOf(NotFound);
    await expect(deleteAgent(deps, 'ten_d', mine.id)).rejects.toBeInstanceOf(NotFound);
    await createAgent(deps, 'ten_c', { name: 'second' });
    const page = await listAgents(deps, 'ten_c', { limit: 1 });
    await expect(listAgents(deps, 'ten_d', { cursor: page.nextCursor! })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });
});

describe('recipes on DynamoDB Local', () => {
  it('makes a new immutable version on update and compiles each version identically', async () => {
    const { deps } = stack;
    const v1 = await createRecipe(deps, 'ten_r', threeStepRecipe('http://dir.example'));
    expect(v1).toMatchObject({ version: 1, engine: 'EXPRESS' });
    const changed = { ...threeStepRecipe('http://dir.example'), name: 'Renamed', mode: 'standard' };
    const v2 = await updateRecipe(deps, 'ten_r', v1.id, changed);
    expect(v2).toMatchObject({ version: 2, name: 'Renamed', engine: 'STANDARD' });
    expect(v2.stateMachineArn).not.toBe(v1.stateMachineArn);
    expect((await getRecipe(deps, 'ten_r', v1.id)).version).toBe(2);
    const versions = await listRecipeVersions(deps, 'ten_r', v1.id, {});
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
    const first = await getRecipeDefinition(deps, 'ten_r', v1.id, 1);
    expect(first.stateMachineArn).toBe(v1.stateMachineArn);
    expect(JSON.stringify(first.definition)).toBe(
      JSON.stringify((await getRecipeDefinition(deps, 'ten_r', v1.id, 1)).definition),
    );
    await expect(getRecipe(deps, 'ten_other', v1.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('shares one state machine between identical recipes', async () => {
    const { deps } = stack;
    const a = await createRecipe(deps, 'ten_s', threeStepRecipe('http://dir.example'));
    const b = await createRecipe(deps, 'ten_t', {
      ...threeStepRecipe('http://dir.example'),
      name: 'Other name',
    });
    expect(a.stateMachineArn).toBe(b.stateMachineArn);
  });

  it('rejects an unknown agent without writing anything', async () => {
    const { deps } = stack;
    await expect(
      createRecipe(deps, 'ten_u', { ...threeStepRecipe('http://d'), agentId: 'agt_missing' }, 'rcp_fixed'),
    ).rejects.toMatchObject({
      errors: [{ path: 'agentId', message: 'no such agent' }],
    });
    await expect(getRecipe(deps, 'ten_u', 'rcp_fixed')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('executions and settings on DynamoDB Local', () => {
  it('lists executions newest first, by recipe and by status', async () => {
    const { deps } = stack;
    const base = {
      version: 1,
      trigger: 'api',
      engine: 'EXPRESS',
      input: {},
      startedBy: 'key_x',
      creditsReserved: 1,
    } as const;
    for (const [i, recipeId] of ['rcp_1', 'rcp_2', 'rcp_1'].entries()) {
      await putExecution(deps, 'ten_e', {
        ...base,
        id: `exe_${i}`,
        recipeId,
        status: 'running',
        createdAt: `2026-01-0${i + 1}`,
      });
    }
    await transitionExecution(deps, 'ten_e', 'exe_2', ['running'], 'succeeded', { output: { ok: true } });
    expect(await transitionExecution(deps, 'ten_e', 'exe_2', ['running'], 'failed')).toBe(false);
    expect((await listExecutions(deps, 'ten_e', {})).items.map((e) => e.id)).toEqual([
      'exe_2',
      'exe_1',
      'exe_0',
    ]);
    expect((await listExecutions(deps, 'ten_e', { recipeId: 'rcp_1' })).items.map((e) => e.id)).toEqual([
      'exe_2',
      'exe_0',
    ]);
    expect((await listExecutions(deps, 'ten_e', { status: 'running' })).items.map((e) => e.id)).toEqual([
      'exe_1',
      'exe_0',
    ]);
    expect(
      (await listExecutions(deps, 'ten_e', { recipeId: 'rcp_1', status: 'succeeded' })).items.map(
        (e) => e.id,
      ),
    ).toEqual(['exe_2']);
    expect((await listExecutions(deps, 'ten_other', {})).items).toEqual([]);
  });

  it('stores settings per tenant and normalises origins', async () => {
    const { deps } = stack;
    expect(await getSettings(deps, 'ten_x')).toEqual({ ai: {}, httpAllowList: [], values: {} });
    await putSettings(deps, 'ten_x', {
      ai: { model: 'm' },
      httpAllowList: ['http://127.0.0.1:9/'],
      values: { a: 1 },
    });
    expect(await getSettings(deps, 'ten_x')).toMatchObject({
      httpAllowList: ['http://127.0.0.1:9'],
      values: { a: 1 },
    });
  });
});
