// The state step's entries expire after ttlSeconds (also before DynamoDB's lazy TTL deletion removes them),
// and a change after expiry starts the entry over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStep } from '../../shared/steps/state';
import { runState } from '../../shared/steps/state/run';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const at = (seconds: number) => ({
  ...stack.deps,
  now: () => new Date(Date.UTC(2026, 10, 26, 12, 0, seconds)),
});
const step = (fields: Partial<StateStep>) => ({ id: 's', type: 'state', key: 'k', ...fields }) as StateStep;

describe('state entries with a TTL', () => {
  it('are gone once expired, and start over on the next change', async () => {
    await runState(at(0), 'ten_ttl', step({ op: 'increment', ttlSeconds: 10 }), {});
    expect(await runState(at(5), 'ten_ttl', step({ op: 'increment', ttlSeconds: 10 }), {})).toEqual({
      value: 2,
    });
    expect(await runState(at(14), 'ten_ttl', step({ op: 'get' }), {})).toEqual({ value: 2 });
    expect(await runState(at(16), 'ten_ttl', step({ op: 'get' }), {})).toEqual({ value: null });
    expect(await runState(at(17), 'ten_ttl', step({ op: 'increment' }), {})).toEqual({ value: 1 });
    expect(await runState(at(18), 'ten_other', step({ op: 'get' }), {})).toEqual({ value: null });
  });

  it('treats equal members as one whatever their key order, and reports the set size', async () => {
    const add = (value: unknown[]) =>
      runState(at(0), 'ten_set', step({ op: 'addToSet', key: 'leads', value }), {});
    expect(await add([{ a: 1, b: 2 }, 'x'])).toEqual({ added: [{ a: 1, b: 2 }, 'x'], size: 2 });
    expect(await add([{ b: 2, a: 1 }, 'y'])).toEqual({ added: ['y'], size: 3 });
    expect(await add([])).toEqual({ added: [], size: 3 });
  });
});
