// Monthly credits on DynamoDB Local: renewed on the first read of a new billing period, once, topping the
// balance up to the plan's allowance, with a ledger entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccount, grantCredits, listLedger, openAccountIfMissing } from '../../shared/credits/credits';
import type { Deps } from '../../shared/deps';
import { startExecution } from '../../shared/executions/start-execution';
import { createRecipe } from '../../shared/recipes/recipes';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const tenant = 'ten_renewals';
const at = (iso: string): Deps => ({ ...stack.deps, now: () => new Date(iso) });
const audit = {
  actor: 'test',
  role: 'platform',
  action: 'credits.grant',
  resource: { type: 'credits', id: tenant },
  result: 'success' as const,
};

describe('monthly credits', () => {
  it('renew once per billing period, on the billing day, topping up to the allowance', async () => {
    await openAccountIfMissing(at('2026-01-31T10:00:00Z'), tenant, 'free');
    expect(await getAccount(at('2026-01-31T10:00:00Z'), tenant)).toMatchObject({
      balance: 100,
      renewsAt: '2026-02-28T10:00:00.000Z',
      billingDay: 31,
    });
    await grantCredits(at('2026-02-10T00:00:00Z'), tenant, -60, 'spent', audit);
    expect((await getAccount(at('2026-02-28T09:59:59Z'), tenant)).balance).toBe(40);

    // Many requests at the start of the period: one renewal.
    const seen = await Promise.all(
      Array.from({ length: 10 }, () => getAccount(at('2026-02-28T10:00:01Z'), tenant)),
    );
    expect(seen.map((a) => a.balance)).toEqual(Array(10).fill(100));
    expect(seen[0]!.renewsAt).toBe('2026-03-31T10:00:00.000Z'); // back on the 31st
    let ledger = (await listLedger(stack.deps, tenant, { limit: 100 })).items;
    expect(ledger.filter((e) => e.type === 'renewal').map((e) => e.amount)).toEqual([60]);

    // Months without a read: one top-up, and credits above the allowance are kept.
    await grantCredits(at('2026-03-01T00:00:00Z'), tenant, 50, 'bonus', audit);
    const later = await getAccount(at('2026-06-15T00:00:00Z'), tenant);
    expect(later).toMatchObject({ balance: 150, renewsAt: '2026-06-30T10:00:00.000Z' });
    ledger = (await listLedger(stack.deps, tenant, { limit: 100 })).items;
    expect(ledger.filter((e) => e.type === 'renewal')).toHaveLength(1);
    // The ledger still sums to the balance.
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(later.balance);
  });

  it('renew on a start once its input is valid: a refused start renews nothing', async () => {
    const starter = 'ten_renewal_on_start';
    await openAccountIfMissing(at('2026-01-10T10:00:00Z'), starter, 'free');
    await grantCredits(at('2026-01-20T00:00:00Z'), starter, -98, 'spent', {
      ...audit,
      resource: { type: 'credits', id: starter },
    });
    const recipe = await createRecipe(stack.deps, starter, {
      name: 'needs x',
      inputSchema: { type: 'object', required: ['x'] },
      steps: [{ id: 'a', type: 'transform', source: '{{input.x}}', ops: [] }],
    });
    const inFebruary = at('2026-02-10T12:00:00Z');
    const start = (input: unknown) =>
      startExecution(inFebruary, {
        tenantId: starter,
        recipeId: recipe.id,
        input,
        trigger: 'api',
        actor: { id: 'key_test', role: 'admin' },
      });
    const renewals = async () =>
      (await listLedger(stack.deps, starter, { limit: 100 })).items.filter((e) => e.type === 'renewal');

    await expect(start({})).rejects.toMatchObject({ status: 422 });
    expect(await renewals()).toEqual([]);
    // Read as of January, before the period turns: the refused start left the account as it was.
    expect(await getAccount(at('2026-01-31T00:00:00Z'), starter)).toMatchObject({
      balance: 2,
      renewsAt: '2026-02-10T10:00:00.000Z',
    });

    // A valid start: the period has begun, so the account is renewed first and the run reserved from it.
    const started = await start({ x: 1 });
    expect(started.status).toBe('running');
    expect((await renewals()).map((e) => e.amount)).toEqual([98]);
  });
});
