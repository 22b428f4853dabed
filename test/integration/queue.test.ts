// The local queue behind the upload trigger: the SQS event shape, partial batch failures, redelivery after the
// visibility timeout, the dead-letter list, and a restart that loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalQueue } from '../../infra/local/queue';

const dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('local queue', () => {
  it('delivers SQS-shaped batches and redelivers only the failed messages after the visibility timeout', async () => {
    const events: SQSEvent[] = [];
    const times: number[] = [];
    const queue = startLocalQueue({
      name: 'uploads',
      visibilityTimeoutSeconds: 0.2,
      maxReceiveCount: 5,
      handler: async (event) => {
        events.push(event);
        times.push(Date.now());
        const failing = event.Records.filter(
          (r) => r.body === 'flaky' && r.attributes.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    queue.send('steady');
    const flaky = queue.send('flaky');
    await until(() => queue.depth() === 0);
    await queue.stop();
    const deliveries = events.flatMap((e) => e.Records);
    expect(deliveries.map((r) => r.body).sort()).toEqual(['flaky', 'flaky', 'steady']);
    const second = deliveries.filter((r) => r.messageId === flaky)[1]!;
    expect(second).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:uploads',
      attributes: { ApproximateReceiveCount: '2' },
    });
    expect(second.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    // The retry waited out the visibility timeout.
    const [first, retry] = events.flatMap((e, i) =>
      e.Records.some((r) => r.messageId === flaky) ? [times[i]!] : [],
    );
    expect(retry! - first!).toBeGreaterThanOrEqual(190);
  });

  it('moves a message that keeps failing to the dead-letter list after maxReceiveCount receives', async () => {
    let receives = 0;
    const queue = startLocalQueue({
      name: 'uploads',
      visibilityTimeoutSeconds: 0.05,
      maxReceiveCount: 3,
      log: () => {},
      handler: async () => {
        receives += 1;
        throw new Error('always fails');
      },
    });
    queue.send('poison');
    await until(() => queue.deadLetters().length === 1);
    await queue.stop();
    expect(receives).toBe(3);
    expect(queue.deadLetters()).toEqual([{ messageId: expect.any(String), body: 'poison', receiveCount: 3 }]);
    expect(queue.depth()).toBe(0);
  });

  it('delivers every message twice when asked to, in separate batches with one messageId', async () => {
    const seen: string[] = [];
    const queue = startLocalQueue({
      name: 'uploads',
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 5,
      deliverTwice: true,
      handler: async (event) => {
        expect(event.Records).toHaveLength(1);
        seen.push(event.Records[0]!.messageId);
        return { batchItemFailures: [] };
      },
    });
    const id = queue.send('twice');
    await until(() => queue.depth() === 0);
    await queue.stop();
    expect(seen).toEqual([id, id]);
  });

  it('keeps waiting messages across a restart', async () => {
    const file = path.join(dir, 'uploads-queue.json');
    const stalled = startLocalQueue({
      name: 'uploads',
      visibilityTimeoutSeconds: 0.1,
      maxReceiveCount: 5,
      file,
      handler: async () => {
        throw new Error('the consumer is down');
      },
    });
    stalled.send('survivor');
    await sleep(50);
    await stalled.stop();
    const bodies: string[] = [];
    const restarted = startLocalQueue({
      name: 'uploads',
      visibilityTimeoutSeconds: 0.1,
      maxReceiveCount: 5,
      file,
      handler: async (event) => {
        bodies.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    });
    await until(() => restarted.depth() === 0);
    await restarted.stop();
    expect(bodies).toEqual(['survivor']);
  });
});
