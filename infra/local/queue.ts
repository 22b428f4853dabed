// An in-process stand-in for an SQS queue and its Lambda event source mapping: messages are delivered to the
// handler in batches of the SQS event shape; a message the handler fails (a batchItemFailure, or a thrown
// error for the whole batch) becomes visible again after the visibility timeout, and after maxReceiveCount
// receives it moves to the dead-letter list. The queue is kept in a file, so a restart loses nothing.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

interface Message {
  /** One delivery slot; a duplicated message has two slots with one messageId. */
  slot: string;
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  firstReceivedAt?: number;
}

export interface LocalQueueOptions {
  name: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  batchSize?: number;
  /** Where the queue is kept between restarts. */
  file?: string;
  /** At-least-once made visible: every message is delivered twice, as SQS may do. */
  deliverTwice?: boolean;
  log?: (line: string) => void;
}

export interface LocalQueue {
  send(body: string): string;
  /** Messages waiting or in flight. */
  depth(): number;
  deadLetters(): Array<{ messageId: string; body: string; receiveCount: number }>;
  /** Resolves once nothing is visible or in flight (messages waiting out a visibility timeout excepted). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

export function startLocalQueue(options: LocalQueueOptions): LocalQueue {
  const saved = options.file && existsSync(options.file) ? readState(options.file) : undefined;
  const messages: Message[] = saved?.messages ?? [];
  const dead: Message[] = saved?.deadLetters ?? [];
  const batchSize = options.batchSize ?? 10;
  const arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const save = () => {
    if (!options.file) return;
    writeFileSync(`${options.file}.tmp`, JSON.stringify({ messages, deadLetters: dead }));
    renameSync(`${options.file}.tmp`, options.file);
  };

  const toRecord = (message: Message): SQSRecord => ({
    messageId: message.messageId,
    receiptHandle: `${message.slot}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'AROAEXAMPLE:recipeflow-local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'us-east-1',
  });

  const receive = (now: number): Message[] => {
    for (const message of messages.filter((m) => m.visibleAt <= now)) {
      if (message.receiveCount < options.maxReceiveCount) continue;
      messages.splice(messages.indexOf(message), 1);
      dead.push(message);
      options.log?.(
        `${options.name}: message ${message.messageId} moved to the dead-letter list after ${message.receiveCount} receives`,
      );
    }
    const batch = messages.filter((m) => m.visibleAt <= now).slice(0, batchSize);
    // Two slots of one message never travel in one batch, as two receives of one SQS message would not.
    const unique = batch.filter((m, i) => batch.findIndex((o) => o.messageId === m.messageId) === i);
    for (const message of unique) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + options.visibilityTimeoutSeconds * 1000;
    }
    return unique;
  };

  const deliver = async (batch: Message[]) => {
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: batch.map(toRecord) });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failed = new Set(batch.map((message) => message.messageId));
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) messages.splice(messages.indexOf(message), 1);
    }
  };

  const pump = () => {
    if (running || stopped) return;
    running = (async () => {
      while (!stopped) {
        const batch = receive(Date.now());
        save();
        if (batch.length === 0) break;
        await deliver(batch);
        save();
      }
    })().finally(() => {
      running = null;
      scheduleNext();
    });
  };

  const scheduleNext = () => {
    clearTimeout(timer);
    if (stopped || messages.length === 0) return;
    const next = Math.min(...messages.map((m) => m.visibleAt));
    timer = setTimeout(pump, Math.max(0, next - Date.now()));
  };

  scheduleNext();

  return {
    send(body) {
      const now = Date.now();
      const messageId = randomUUID();
      for (let copy = 0; copy < (options.deliverTwice ? 2 : 1); copy++)
        messages.push({ slot: randomUUID(), messageId, body, sentAt: now, receiveCount: 0, visibleAt: now });
      save();
      pump();
      return messageId;
    },
    depth: () => messages.length,
    deadLetters: () => dead.map(({ messageId, body, receiveCount }) => ({ messageId, body, receiveCount })),
    async drained() {
      while (running || messages.some((m) => m.visibleAt <= Date.now())) {
        await (running ?? new Promise((resolve) => setTimeout(resolve, 10)));
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running; // the batch in flight finishes; visibility times are absolute, so they hold across restarts
      save();
    },
  };
}

function readState(file: string): { messages: Message[]; deadLetters: Message[] } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
