// The local table stream's mapping gathers records for its batching window before it invokes the consumer, as
// Lambda's MaximumBatchingWindowInSeconds does: records written within a window reach the handler as one batch,
// in order, checkpointed only once handled; a batch that fails from a record is handed over again from there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../infra/local/bootstrap';
import { startStreamPoller } from '../../infra/local/dynamodb-streams';

const dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-stream-window-'));
const client = new DynamoDBClient({
  endpoint: inject('dynamoEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

afterAll(() => {
  client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function consumer(
  name: string,
  batchingWindowMs: number,
  fail?: (ids: string[], batch: number) => string | undefined,
) {
  const tableName = `window-${name}-${Date.now()}`;
  await ensureTable(client, tableName);
  const batches: string[][] = [];
  const put = (id: string) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: 'T#w' }, SK: { S: id } } }));
  const poller = await startStreamPoller({
    dynamo: client,
    endpoint: inject('dynamoEndpoint'),
    tableName,
    checkpointFile: path.join(dir, `${name}.json`),
    functionName: `window-${name}`,
    batchingWindowMs,
    handler: async () => async (event: DynamoDBStreamEvent) => {
      const ids = event.Records.map((r) => r.dynamodb!.Keys!.SK!.S!);
      batches.push(ids);
      const failedId = fail?.(ids, batches.length);
      const failed = event.Records.find((r) => r.dynamodb!.Keys!.SK!.S === failedId);
      return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb!.SequenceNumber! }] : [] };
    },
  });
  return { batches, put, poller };
}

describe('the local table stream mapping', () => {
  it('hands records written within its batching window to one invocation, and later ones to the next', async () => {
    const { batches, put, poller } = await consumer('gathers', 1500);
    try {
      for (const id of ['a', 'b', 'c', 'd', 'e']) {
        await put(id);
        await sleep(100);
      }
      // Within the window, nothing yet; then one batch with all five, in order.
      expect(batches).toEqual([]);
      for (let i = 0; i < 60 && batches.length === 0; i++) await sleep(100);
      expect(batches).toEqual([['a', 'b', 'c', 'd', 'e']]);
      await put('f');
      for (let i = 0; i < 60 && batches.length === 1; i++) await sleep(100);
      expect(batches).toEqual([['a', 'b', 'c', 'd', 'e'], ['f']]);
    } finally {
      await poller.stop();
    }
  }, 30_000);

  it('without a window, invokes as soon as a poll finds records', async () => {
    const { batches, put, poller } = await consumer('at-once', 0);
    try {
      await put('a');
      for (let i = 0; i < 50 && batches.length === 0; i++) await sleep(50);
      await sleep(300);
      await put('b');
      for (let i = 0; i < 50 && batches.length === 1; i++) await sleep(50);
      expect(batches).toEqual([['a'], ['b']]);
    } finally {
      await poller.stop();
    }
  }, 30_000);

  it('hands a batch over again from the record that failed, and only once it is handled moves on', async () => {
    const { batches, put, poller } = await consumer('retries', 800, (ids, n) =>
      n === 1 ? ids[1] : undefined,
    );
    try {
      for (const id of ['a', 'b', 'c']) await put(id);
      for (let i = 0; i < 80 && batches.length < 2; i++) await sleep(100);
      expect(batches).toEqual([
        ['a', 'b', 'c'],
        ['b', 'c'],
      ]);
    } finally {
      await poller.stop();
    }
  }, 30_000);
});
