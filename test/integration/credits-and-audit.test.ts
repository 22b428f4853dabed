import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditIntentPut, chainAuditIntent, verifyAuditChain } from '../../shared/audit/audit-log';
import {
  getAccount,
  grantCredits,
  ledgerPut,
  listLedger,
  MAX_BALANCE,
  openAccountIfMissing,
} from '../../shared/credits/credits';
import { keys } from '../../shared/data/keys';
import { InsufficientCredits } from '../../shared/errors';
import { startExecution } from '../../shared/executions/start-execution';
import { createRecipe } from '../../shared/recipes/recipes';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

async function ledgerSum(tenantId: string): Promise<number> {
  let sum = 0;
  let cursor: string | undefined;
  do {
    const page = await listLedger(stack.deps, tenantId, { limit: 100, cursor });
    sum += page.items.reduce((s, e) => s + e.amount, 0);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return sum;
}

describe('credits under real concurrency on DynamoDB Local', () => {
  it('lets exactly as many of 300 concurrent starts through as the balance covers', async () => {
    const { deps } = stack;
    const tenantId = 'ten_burst';
    await openAccountIfMissing(deps, tenantId, 'enterprise');
    // bring the balance down to 150 through the ledger, as a negative grant would
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.account(tenantId),
        UpdateExpression: 'SET balance = :b',
        ExpressionAttributeValues: { ':b': 150 },
      }),
    );
    const { Put } = ledgerPut(deps, tenantId, {
      type: 'grant',
      amount: 150 - 250_000,
      reason: 'test',
    });
    await deps.db.send(new PutCommand(Put));
    const recipe = await createRecipe(deps, tenantId, {
      name: 'cost 3',
      steps: [
        { id: 'a', type: 'transform', source: '{{input}}', ops: [] },
        { id: 'b', type: 'transform', source: '{{input}}', ops: [] },
      ],
    });
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) =>
        startExecution(deps, {
          tenantId,
          recipeId: recipe.id,
          input: { i },
          trigger: 'api',
          actor: { id: 'key_t', role: 'operator' },
        }),
      ),
    );
    const started = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof InsufficientCredits,
    ).length;
    expect(started).toBe(50);
    expect(refused).toBe(250);
    await stack.idle();
    const account = await getAccount(deps, tenantId);
    expect(account).toMatchObject({ balance: 0, running: 0 });
    expect(await ledgerSum(tenantId)).toBe(account.balance);
  }, 120_000);
});

describe('the ledger', () => {
  it("reads each run's reserve line from its execution item, merged in time order with the other entries", async () => {
    const { deps } = stack;
    const tenantId = 'ten_ledger_lines';
    await openAccountIfMissing(deps, tenantId, 'pro');
    const recipe = await createRecipe(deps, tenantId, {
      name: 'one step',
      steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
    });
    const granted = { action: 'credits.granted', resource: { type: 'credits', id: tenantId } };
    const audit = { ...granted, actor: 'platform-admin', role: 'platform', result: 'success' as const };
    const runs: Array<{ id: string; creditsReserved: number }> = [];
    for (let i = 0; i < 3; i++) {
      const run = await startExecution(deps, {
        tenantId,
        recipeId: recipe.id,
        input: { i },
        trigger: 'api',
        actor: { id: 'key_t', role: 'operator' },
      });
      runs.push(run);
      await grantCredits(deps, tenantId, 10 + i, `grant ${i}`, audit);
    }
    // A reserve entry of its own, as a table written before reservations were read from the runs still holds.
    const { Put } = ledgerPut(deps, tenantId, { type: 'reserve', amount: -7, executionId: 'exe_older' });
    await deps.db.send(new PutCommand(Put));
    await stack.idle();

    const all = (await listLedger(deps, tenantId, { limit: 100 })).items;
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(ids.length);
    const reserves = all.filter((e) => e.type === 'reserve' && e.executionId !== 'exe_older');
    expect(reserves.map((e) => [e.executionId, e.amount])).toEqual(
      runs.map((run) => [run.id, -run.creditsReserved]).reverse(),
    );
    for (const line of reserves) {
      expect(line.id).toMatch(/^led_/);
      expect(Date.parse(line.createdAt)).not.toBeNaN();
    }
    // Each run's reservation comes before the grant made after it.
    expect(
      all
        .filter((e) => e.reason?.startsWith('grant ') || reserves.includes(e))
        .map((e) => e.reason ?? e.executionId),
    ).toEqual([runs[0]!.id, 'grant 0', runs[1]!.id, 'grant 1', runs[2]!.id, 'grant 2'].reverse());
    expect(all.find((e) => e.executionId === 'exe_older')).toMatchObject({ type: 'reserve', amount: -7 });
    expect(all.reduce((sum, e) => sum + e.amount, 0)).toBe((await getAccount(deps, tenantId)).balance - 7);

    // Paged at any size, the pages add up to the same lines, each once.
    for (const limit of [1, 2, 3]) {
      const paged = [];
      let cursor: string | undefined;
      do {
        const page = await listLedger(deps, tenantId, { limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        paged.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    // A start writes no ledger item of its own: its reserve line is the execution item.
    const own = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.ledgerEntry(tenantId, '').PK },
      }),
    );
    expect(own.Items!.filter((item) => item.type === 'reserve').map((item) => item.executionId)).toEqual([
      'exe_older',
    ]);
    // Another tenant's cursor is refused.
    const first = await listLedger(deps, tenantId, { limit: 1 });
    await expect(
      listLedger(deps, 'ten_other_ledger', { limit: 1, cursor: first.nextCursor! }),
    ).rejects.toThrow(/cursor/);
  }, 60_000);
});

describe('the balance ceiling', () => {
  it('refuses a grant that would take the balance past what is summed exactly, writing nothing', async () => {
    const { deps } = stack;
    const tenant = 'ten_ceiling';
    await openAccountIfMissing(deps, tenant, 'free');
    const audit = {
      actor: 't',
      role: 'platform',
      action: 'credits.granted',
      resource: { type: 'credits' },
      result: 'success' as const,
    };
    await expect(grantCredits(deps, tenant, MAX_BALANCE, 'too much', audit)).rejects.toThrow(
      /above 1000000000000/,
    );
    expect((await getAccount(deps, tenant)).balance).toBe(100);
    expect((await listLedger(deps, tenant, { limit: 10 })).items.map((e) => e.amount)).toEqual([100]);
  });
});

describe('the audit chain', () => {
  const entry = {
    actor: 'key_a',
    role: 'admin',
    action: 'test',
    resource: { type: 'thing' },
    result: 'success' as const,
  };

  async function intent(tenantId: string, i: number) {
    const { Put } = auditIntentPut(stack.deps, tenantId, {
      ...entry,
      resource: { type: 'thing', id: String(i) },
    });
    await stack.deps.db.send(new PutCommand(Put));
    return Put.Item;
  }

  it('chains concurrent intents into one gap-free sequence, each exactly once', async () => {
    const intents = await Promise.all(Array.from({ length: 20 }, (_, i) => intent('ten_chain', i)));
    await Promise.all(intents.map((item) => chainAuditIntent(stack.deps, item)));
    await Promise.all(intents.slice(0, 5).map((item) => chainAuditIntent(stack.deps, item))); // redelivered
    expect(await verifyAuditChain(stack.deps, 'ten_chain')).toMatchObject({ valid: true, events: 20 });
  });

  it('reports the first broken link when an event is altered', async () => {
    for (let i = 0; i < 4; i++) await chainAuditIntent(stack.deps, await intent('ten_tamper', i));
    await stack.deps.db.send(
      new UpdateCommand({
        TableName: stack.deps.config.TABLE_NAME,
        Key: keys.auditEvent('ten_tamper', 3),
        UpdateExpression: 'SET #r = :r',
        ExpressionAttributeNames: { '#r': 'result' },
        ExpressionAttributeValues: { ':r': 'failure' },
      }),
    );
    expect(await verifyAuditChain(stack.deps, 'ten_tamper')).toEqual({
      valid: false,
      events: 2,
      firstBroken: { seq: 3, reason: 'hash does not match the event content' },
    });
  });
});
