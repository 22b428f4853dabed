// A run's audit events come from its execution record's changes on the table's stream: no intent, no head
// item, each change appended once however often the stream delivers it.
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/triggers/table-stream';
import {
  appendAuditEvents,
  auditOfExecutionChange,
  listAuditEvents,
  verifyAuditChain,
} from '../../shared/audit/audit-log';
import { s3Of } from '../../shared/clients/s3';
import { setting } from '../../shared/config';
import { keys } from '../../shared/data/keys';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const record = (status: string) => ({
  PK: 'TENANT#ten_s#EXEC',
  SK: 'exe_1',
  id: 'exe_1',
  status,
  startedBy: 'key_1',
  startedByRole: 'operator',
  createdAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:00:01.000Z',
});

describe('audit events of a run, from its record', () => {
  it('reads a start from the insert and an end from the change to a final status, nothing else', () => {
    expect(auditOfExecutionChange('INSERT', undefined, record('running'))).toMatchObject({
      entry: { actor: 'key_1', role: 'operator', action: 'execution.queued', resource: { id: 'exe_1' } },
      source: 'exe_1:queued',
    });
    expect(auditOfExecutionChange('MODIFY', record('running'), record('failed'))).toMatchObject({
      entry: { actor: 'system:workflow', action: 'execution.failed', result: 'failure' },
      at: '2026-11-26T10:00:01.000Z',
    });
    expect(auditOfExecutionChange('MODIFY', record('running'), record('waiting_review'))).toBeNull();
    // A queued run's admission is an event of its own, when its workflow started.
    expect(
      auditOfExecutionChange('MODIFY', record('queued'), {
        ...record('running'),
        startedAt: '2026-11-26T10:00:05.000Z',
      }),
    ).toMatchObject({
      entry: { actor: 'system:admission', action: 'execution.admitted', result: 'success' },
      at: '2026-11-26T10:00:05.000Z',
      source: 'exe_1:admitted',
    });
    expect(auditOfExecutionChange('MODIFY', record('failed'), record('failed'))).toBeNull();
    expect(
      auditOfExecutionChange('INSERT', undefined, { ...record('running'), PK: 'TENANT#ten_s' }),
    ).toBeNull();
  });

  it('appends each change once however often it is delivered, and the chain verifies', async () => {
    const start = auditOfExecutionChange('INSERT', undefined, record('running'))!;
    const end = auditOfExecutionChange('MODIFY', record('running'), record('succeeded'))!;
    await appendAuditEvents(stack.deps, 'ten_s', [start, end]);
    await appendAuditEvents(stack.deps, 'ten_s', [start, end]); // the batch again, as a retry delivers it
    await Promise.all([
      appendAuditEvents(stack.deps, 'ten_s', [end]),
      appendAuditEvents(stack.deps, 'ten_s', [end]),
    ]);
    const events = (await listAuditEvents(stack.deps, 'ten_s', { limit: 10 })).items;
    expect(events.map((e) => e.action)).toEqual(['execution.succeeded', 'execution.queued']);
    expect(await verifyAuditChain(stack.deps, 'ten_s')).toMatchObject({ valid: true, events: 2 });
  });
});

const run = (id: string, status: string) => ({ ...record(status), PK: 'TENANT#x#EXEC', id, SK: id });
/** A start and an end of each of `runs` runs, as one stream batch delivers them. */
const changes = (prefix: string, runs: number) =>
  Array.from({ length: runs }, (_, i) => [
    auditOfExecutionChange('INSERT', undefined, run(`${prefix}${i}`, 'running'))!,
    auditOfExecutionChange('MODIFY', run(`${prefix}${i}`, 'running'), run(`${prefix}${i}`, 'succeeded'))!,
  ]).flat();
const chainItems = async (tenantId: string) => {
  const { Items = [] } = await stack.deps.db.send(
    new QueryCommand({
      TableName: stack.deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditEvent(tenantId, 0).PK },
    }),
  );
  return Items;
};

/** The events a block holds, as stored (gzipped JSON). */
const unpacked = (item: Record<string, unknown>) =>
  JSON.parse(gunzipSync(item.events as Uint8Array).toString()) as Array<Record<string, unknown>>;

describe('audit blocks: a batch of events in one item', () => {
  it('writes a batch as one block, lists it a page at a time and verifies it; a retry adds nothing', async () => {
    await appendAuditEvents(stack.deps, 'ten_block', changes('exe_k', 5));
    await appendAuditEvents(stack.deps, 'ten_block', changes('exe_k', 5)); // the batch again
    await appendAuditEvents(stack.deps, 'ten_block', changes('exe_m', 1));
    const items = await chainItems('ten_block');
    expect(items.map((item) => [item.SK, unpacked(item).length])).toEqual([
      ['000000000001', 10],
      ['000000000011', 2],
    ]);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(stack.deps, 'ten_block', {
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((event) => event.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const [newest, next] = (await listAuditEvents(stack.deps, 'ten_block', { limit: 2 })).items;
    expect(newest).toMatchObject({
      seq: 12,
      tenantId: 'ten_block',
      action: 'execution.succeeded',
      prevHash: next!.hash,
    });
    expect(newest).not.toHaveProperty('PK');
    expect(await verifyAuditChain(stack.deps, 'ten_block')).toMatchObject({ valid: true, events: 12 });
  });

  it('reports an event altered inside a block', async () => {
    await appendAuditEvents(stack.deps, 'ten_block_tamper', changes('exe_t', 2));
    const [block] = await chainItems('ten_block_tamper');
    const altered = unpacked(block!);
    altered[2] = { ...altered[2], actor: 'someone else' };
    const events = gzipSync(JSON.stringify(altered));
    await stack.deps.db.send(
      new PutCommand({ TableName: stack.deps.config.TABLE_NAME, Item: { ...block, events } }),
    );
    expect(await verifyAuditChain(stack.deps, 'ten_block_tamper')).toEqual({
      valid: false,
      events: 2,
      firstBroken: { seq: 3, reason: 'hash does not match the event content' },
    });
  });

  it('chains concurrent batches of one tenant into one gap-free chain, each change once', async () => {
    await Promise.all([
      appendAuditEvents(stack.deps, 'ten_block_race', changes('exe_p', 3)),
      appendAuditEvents(stack.deps, 'ten_block_race', changes('exe_q', 3)),
      appendAuditEvents(stack.deps, 'ten_block_race', changes('exe_p', 3)),
    ]);
    expect(await verifyAuditChain(stack.deps, 'ten_block_race')).toMatchObject({ valid: true, events: 12 });
  });

  it('archives a block as one line per event, each with its tenant and link', async () => {
    await appendAuditEvents(stack.deps, 'ten_arch_block', changes('exe_b', 2));
    const [block] = await chainItems('ten_arch_block');
    const event: DynamoDBStreamEvent = {
      Records: [
        { eventName: 'INSERT', dynamodb: { NewImage: marshall(block!) as never, SequenceNumber: '1' } },
      ],
    };
    expect(await handler(event, {} as never)).toEqual({ batchItemFailures: [] });
    const s3 = (await s3Of(stack.deps)).client;
    const Bucket = setting(stack.deps.config, 'AUDIT_BUCKET');
    const object = await s3.send(
      new GetObjectCommand({ Bucket, Key: 'tenants/ten_arch_block/audit/000000000001-000000000004.jsonl' }),
    );
    const lines = (await object.Body!.transformToString())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const listed = (await listAuditEvents(stack.deps, 'ten_arch_block', { limit: 10 })).items.reverse();
    expect(lines).toEqual(listed);
    expect(lines.map((line) => [line.seq, line.tenantId])).toEqual([
      [1, 'ten_arch_block'],
      [2, 'ten_arch_block'],
      [3, 'ten_arch_block'],
      [4, 'ten_arch_block'],
    ]);
  });
});

describe('the audit archive', () => {
  const archived = async (tenantId: string) => {
    const s3 = (await s3Of(stack.deps)).client;
    const Bucket = setting(stack.deps.config, 'AUDIT_BUCKET');
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket, Prefix: `tenants/${tenantId}/audit/` }),
    );
    return Promise.all(
      Contents.map(async ({ Key }) => {
        const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
        return {
          key: Key!,
          lines: (await object.Body!.transformToString())
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l)),
        };
      }),
    );
  };

  it('writes the chained events of a stream batch as one object per tenant, in chain order', async () => {
    // Appended one at a time, each event is an item of its own, so the stream can deliver them out of order.
    await appendAuditEvents(stack.deps, 'ten_arch_a', [
      auditOfExecutionChange('INSERT', undefined, run('exe_a1', 'running'))!,
    ]);
    await appendAuditEvents(stack.deps, 'ten_arch_a', [
      auditOfExecutionChange('MODIFY', run('exe_a1', 'running'), run('exe_a1', 'succeeded'))!,
    ]);
    await appendAuditEvents(stack.deps, 'ten_arch_b', [
      auditOfExecutionChange('INSERT', undefined, run('exe_b1', 'running'))!,
    ]);
    // The stream delivers the new audit items, the tenants' interleaved and out of order.
    const [a1, a2] = await chainItems('ten_arch_a');
    const [b1] = await chainItems('ten_arch_b');
    const event: DynamoDBStreamEvent = {
      Records: [a2!, b1!, a1!].map((item, n) => ({
        eventName: 'INSERT' as const,
        dynamodb: { NewImage: marshall(item) as never, SequenceNumber: String(100 + n) },
      })),
    };
    expect(await handler(event, {} as never)).toEqual({ batchItemFailures: [] });

    const a = await archived('ten_arch_a');
    expect(a.map((object) => object.key)).toEqual([
      'tenants/ten_arch_a/audit/000000000001-000000000002.jsonl',
    ]);
    expect(a[0]!.lines.map((line) => [line.seq, line.action])).toEqual([
      [1, 'execution.queued'],
      [2, 'execution.succeeded'],
    ]);
    expect(a[0]!.lines[1]).toMatchObject({ tenantId: 'ten_arch_a', prevHash: a1!.hash, hash: a2!.hash });
    expect(a[0]!.lines[0]).not.toHaveProperty('PK');
    const b = await archived('ten_arch_b');
    expect(b.map((object) => object.key)).toEqual([
      'tenants/ten_arch_b/audit/000000000001-000000000001.jsonl',
    ]);
  });
});
