// Emulates a Lambda event source mapping of the table's stream: polls DynamoDB Local's stream and hands
// batches to the same handler, in the Lambda event shape, retrying a batch from its first failed record.
// With a batching window (the mapping's MaximumBatchingWindowInSeconds) records are gathered until the batch
// is full or the window, counted from the first record gathered, has passed.
// A filter drops records before the handler sees them, as the mapping's filter criteria do (dropped records
// count as processed). Positions are checkpointed under the data folder so a restart does not replay the
// stream; each consumer has its own, as each mapping reads the stream on its own.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { writeFileAtomic } from './atomic-file';
import { invokeAs } from './lambda-context';

const SHARD_REFRESH_MS = 5_000;
/** Records per invocation at most (the mapping's BatchSize). */
const BATCH_SIZE = 100;

type StreamHandler = (
  event: DynamoDBStreamEvent,
) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

export async function startStreamPoller(options: {
  dynamo: DynamoDBClient;
  endpoint: string;
  tableName: string;
  checkpointFile: string;
  handler: () => Promise<StreamHandler>;
  /** The Lambda function the mapping invokes (its name in logs and recorded calls). */
  functionName: string;
  /** The mapping's filter criteria: which records reach the handler. */
  filter?: (record: _Record) => boolean;
  intervalMs?: number;
  /** The mapping's batching window: how long records are gathered before an invocation (0: at once). */
  batchingWindowMs?: number;
  /** Told of every batch handed to the handler and how long it took (what Lambda would bill). */
  onInvoke?: (ms: number) => void;
}) {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const table = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const checkpoints: Record<string, string> = readCheckpoints(options.checkpointFile);
  const iterators = new Map<string, string | undefined>();
  // Per shard, records read but not yet handed over (nor checkpointed) while the batching window is open.
  const gathered = new Map<string, { records: _Record[]; since: number }>();
  const windowMs = options.batchingWindowMs ?? 0;
  let running = true;
  let pending = Promise.resolve();

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    if (iterators.has(shardId)) return iterators.get(shardId);
    const after = checkpoints[shardId];
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    iterators.set(shardId, ShardIterator);
    return ShardIterator;
  }

  // The stream's shards, described again every few seconds or when one closes (not on every poll: with two
  // consumers polling ten times a second, DescribeStream would be most of DynamoDB Local's load).
  let shards: { ids: string[]; at: number } | undefined;
  async function shardIds(): Promise<string[]> {
    if (shards && Date.now() - shards.at < SHARD_REFRESH_MS) return shards.ids;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    shards = { ids: (StreamDescription?.Shards ?? []).map((shard) => shard.ShardId!), at: Date.now() };
    return shards.ids;
  }

  /** One poll of every shard: reads what is new, and hands over a batch that is full or whose window passed. */
  async function pollOnce(): Promise<void> {
    for (const shardId of await shardIds()) {
      const batch = gathered.get(shardId) ?? { records: [], since: 0 };
      const iterator = await iteratorFor(shardId);
      if (iterator && batch.records.length < BATCH_SIZE) {
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH_SIZE - batch.records.length }),
        );
        if (Records.length > 0 && batch.records.length === 0) batch.since = Date.now();
        batch.records.push(...Records);
        iterators.set(shardId, NextShardIterator);
        if (!NextShardIterator) shards = undefined; // the shard closed: a new one follows it
      }
      const Records = batch.records;
      if (Records.length === 0) continue;
      if (Records.length < BATCH_SIZE && Date.now() - batch.since < windowMs) {
        gathered.set(shardId, batch);
        continue;
      }
      gathered.delete(shardId);
      const delivered = options.filter ? Records.filter(options.filter) : Records;
      if (delivered.length === 0) {
        checkpoints[shardId] = Records.at(-1)!.dynamodb!.SequenceNumber!;
        writeFileAtomic(options.checkpointFile, JSON.stringify(checkpoints));
        continue;
      }
      const handler = await options.handler();
      const started = performance.now();
      // A handler that throws leaves the checkpoint where it was: the loop re-reads from there.
      const after = iterators.get(shardId);
      iterators.delete(shardId);
      const { batchItemFailures } = await invokeAs(options.functionName, handler, {
        Records: delivered.map((r) => toLambdaRecord(r, streamArn!)),
      }).finally(() => options.onInvoke?.(performance.now() - started));
      const failed = batchItemFailures[0]?.itemIdentifier;
      const done = failed
        ? Records.slice(
            0,
            Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
          )
        : Records;
      const last = done.at(-1)?.dynamodb?.SequenceNumber;
      if (last) checkpoints[shardId] = last;
      writeFileAtomic(options.checkpointFile, JSON.stringify(checkpoints));
      // Re-read from the failed record; else carry on after the batch.
      if (!failed) iterators.set(shardId, after);
    }
  }

  // While polls fail (DynamoDB Local restarting), back off up to 5 s and log once when it starts and once
  // when it ends, not every poll; iterators are read again from the checkpoints once it answers.
  let failures = 0;
  const loop = async () => {
    while (running) {
      pending = pollOnce().then(
        () => {
          if (failures > 0)
            console.error(
              JSON.stringify({
                level: 'info',
                message: 'stream polling recovered',
                consumer: options.functionName,
                failures,
              }),
            );
          failures = 0;
        },
        (error: Error) => {
          if (failures === 0)
            console.error(
              JSON.stringify({
                level: 'warn',
                message: 'stream poll failed; retrying quietly',
                consumer: options.functionName,
                errorType: error.name,
              }),
            );
          failures += 1;
          // Read again from the checkpoints: what was gathered comes again.
          iterators.clear();
          gathered.clear();
          shards = undefined;
        },
      );
      await pending;
      await sleep(failures === 0 ? (options.intervalMs ?? 100) : Math.min(100 * 2 ** failures, 5000));
    }
  };
  void loop();
  return {
    stop: async () => {
      running = false;
      await pending;
      streams.destroy();
    },
  };
}

function toLambdaRecord(record: _Record, streamArn: string) {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: record.dynamodb,
    eventSourceARN: streamArn,
  } as DynamoDBStreamEvent['Records'][number];
}

function readCheckpoints(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
