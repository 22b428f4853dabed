// The plan's request rate on DynamoDB Local: every request counted, a busy instance writing once per lease, the
// counter never past the limit, the last requests of a window taken one at a time.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeRequest, WINDOW_SECONDS } from '../../shared/credits/rate-limit';
import { keys } from '../../shared/data/keys';
import type { Deps } from '../../shared/deps';
import { RateLimited } from '../../shared/errors';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

// One moment, a second into a window, so every request of a test falls in the same window.
const WINDOW_START = Math.floor(Date.UTC(2026, 10, 26, 12) / 1000 / WINDOW_SECONDS) * WINDOW_SECONDS;
const at = (seconds: number) => new Date((WINDOW_START + seconds) * 1000);

function counting(now: Date): { deps: Deps; writes: () => number } {
  let writes = 0;
  const deps: Deps = { ...stack.deps, now: () => now };
  const name = `count-${Math.random()}`;
  stack.deps.db.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^Update(Item)?Command$/.test(context.commandName ?? '')) writes += 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { deps, writes: () => writes };
}

async function counter(tenantId: string, windowStart = WINDOW_START): Promise<number> {
  const { Item } = await stack.deps.db.send(
    new GetCommand({ TableName: stack.deps.config.TABLE_NAME, Key: keys.rateWindow(tenantId, windowStart) }),
  );
  return (Item?.count as number | undefined) ?? 0;
}

async function served(deps: Deps, tenantId: string, plan: string, requests: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < requests; i++) {
    try {
      await consumeRequest(deps, tenantId, plan);
      ok += 1;
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimited);
    }
  }
  return ok;
}

describe('the request rate', () => {
  it('counts a free plan one request at a time, exactly: 50 per window, then 429', async () => {
    const { deps, writes } = counting(at(1));
    expect(await served(deps, 'ten_rate_free', 'free', 60)).toBe(50);
    expect(await counter('ten_rate_free')).toBe(50);
    expect(writes()).toBe(51); // a full window stays full: its later requests are refused without a write
  });

  it('leases a busy instance its requests: every one counted, far fewer writes', async () => {
    const { deps, writes } = counting(at(1));
    expect(await served(deps, 'ten_rate_busy', 'enterprise', 500)).toBe(500);
    const count = await counter('ten_rate_busy');
    // Leased but not yet served: at most the last lease, itself at most 1/50 of the window (2,000) = 40.
    expect(count).toBeGreaterThanOrEqual(500);
    expect(count).toBeLessThanOrEqual(540);
    expect(writes()).toBeGreaterThan(10); // leases of 1, 1, 2, 4 … 32, then 40 at a time: 18 writes
    expect(writes()).toBeLessThan(30);
  });

  it('never passes the limit: the window’s last requests are taken one at a time, then 429', async () => {
    const tenantId = 'ten_rate_full';
    const { deps } = counting(at(2));
    await served(deps, tenantId, 'enterprise', 300); // leases are now 40 at a time
    const leasedAhead = (await counter(tenantId)) - 300;
    // Other instances take the window up to three requests short of its 2,000.
    await stack.deps.db.send(
      new UpdateCommand({
        TableName: stack.deps.config.TABLE_NAME,
        Key: keys.rateWindow(tenantId, WINDOW_START),
        UpdateExpression: 'SET #count = :count',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': 1997 },
      }),
    );
    expect(await served(deps, tenantId, 'enterprise', 100)).toBe(leasedAhead + 3);
    expect(await counter(tenantId)).toBe(2000);
    const refused = await consumeRequest(deps, tenantId, 'enterprise').catch((e: RateLimited) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterSeconds).toBe(WINDOW_SECONDS - 2);
  });

  it('fetches one lease at a time when requests come together', async () => {
    const tenantId = 'ten_rate_together';
    const { deps, writes } = counting(at(1));
    const together = (tenant: string, plan: string, n: number) =>
      Promise.allSettled(Array.from({ length: n }, () => consumeRequest(deps, tenant, plan)));
    expect((await together(tenantId, 'enterprise', 200)).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await counter(tenantId)).toBeLessThanOrEqual(240);
    expect(writes()).toBeLessThan(15);
    const freeTenant = 'ten_rate_together_free';
    const free = await together(freeTenant, 'free', 80);
    expect(free.filter((r) => r.status === 'fulfilled').length).toBe(50);
    expect(await counter(freeTenant)).toBe(50);
  });

  it('starts each window afresh', async () => {
    const tenantId = 'ten_rate_next';
    expect(await served(counting(at(3)).deps, tenantId, 'free', 55)).toBe(50);
    expect(await served(counting(at(WINDOW_SECONDS + 1)).deps, tenantId, 'free', 10)).toBe(10);
    expect(await counter(tenantId, WINDOW_START + WINDOW_SECONDS)).toBe(10);
  });
});
