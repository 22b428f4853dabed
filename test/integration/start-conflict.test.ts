// DynamoDB cancels a transaction that meets another one writing the same items at that moment
// (TransactionConflict) and asks the caller to try again; DynamoDB Local serializes transactions and never
// does, so the conflict is injected here, once, into the real client's answer. A start tries again and runs,
// charged once: two deliveries of the same upload event no longer both wait for the queue's redelivery.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccount, openAccountIfMissing } from '../../shared/credits/credits';
import { getExecutionRecord } from '../../shared/executions/execution-repository';
import { startExecution } from '../../shared/executions/start-execution';
import { createRecipe } from '../../shared/recipes/recipes';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack.stop();
});

describe('a start whose transaction conflicted', () => {
  it('tries again and runs, reserving once', async () => {
    const tenantId = 'ten_conflict';
    await putTenantIfMissing(stack.deps, {
      id: tenantId,
      name: tenantId,
      plan: 'pro',
      status: 'active',
      createdAt: new Date().toISOString(),
    });
    await openAccountIfMissing(stack.deps, tenantId, 'pro');
    const recipe = await createRecipe(stack.deps, tenantId, {
      name: 'one step',
      steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
    });
    const before = (await getAccount(stack.deps, tenantId)).balance;
    let conflicts = 0;
    stack.deps.db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && conflicts === 0) {
          conflicts += 1;
          const items = (args.input as { TransactItems: unknown[] }).TransactItems;
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
            $metadata: {},
            CancellationReasons: items.map((_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectConflict' },
    );
    try {
      const started = await startExecution(stack.deps, {
        tenantId,
        recipeId: recipe.id,
        input: { x: 1 },
        trigger: 'upload',
        actor: { id: 'trigger:trg_x', role: 'system' },
        dedupeKey: 'upload#trg_x#art_x#v1',
      });
      expect(conflicts).toBe(1);
      expect(started.status).toBe('running');
      await stack.idle();
      const record = await getExecutionRecord(stack.deps, tenantId, started.id);
      expect(record.status).toBe('succeeded');
      expect((await getAccount(stack.deps, tenantId)).balance).toBe(before - record.creditsCharged!);
    } finally {
      stack.deps.db.middlewareStack.remove('injectConflict');
    }
  });
});
