// What an operator must hear about beyond errors and throttles, marked by the stack that owns it: a
// dead-letter queue (anything in it failed every retry and waits for an operator), a queue whose backlog must
// not grow old, a stream consumer that must not fall behind its stream. The observability stack, which holds
// the alarm topic and depends on every other stack, alarms on each (an alarm in the owning stack could not
// notify the topic without a cycle between the stacks).
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

export type QueueWatch =
  | { kind: 'dead-letter'; role: string }
  | { kind: 'backlog'; description: string; oldestSeconds: number };

export interface ConsumerWatch {
  /** What falling behind means for users. */
  description: string;
  /** The age of the newest record handled, past which the consumer is behind (its batching window aside). */
  behindSeconds: number;
}

const queues = new WeakMap<Queue, QueueWatch>();
const consumers = new WeakMap<IFunction, ConsumerWatch>();

export function watchQueue(queue: Queue, watch: QueueWatch): void {
  queues.set(queue, watch);
}

export function queueWatchOf(queue: Queue): QueueWatch | undefined {
  return queues.get(queue);
}

/** A function reading a DynamoDB or Kinesis stream: alarmed on when its IteratorAge stays high. */
export function watchStreamConsumer(fn: IFunction, watch: ConsumerWatch): void {
  consumers.set(fn, watch);
}

export function consumerWatchOf(fn: IFunction): ConsumerWatch | undefined {
  return consumers.get(fn);
}
