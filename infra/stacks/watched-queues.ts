// Queues an operator must hear about: a dead-letter queue (anything in it failed every retry and waits for an
// operator) or a queue whose backlog must not grow old. The stack that owns a queue marks it here; the
// observability stack, which holds the alarm topic and depends on every other stack, alarms on each (an alarm
// in the owning stack could not notify the topic without a cycle between the stacks).
import type { Queue } from 'aws-cdk-lib/aws-sqs';

export type QueueWatch =
  | { kind: 'dead-letter'; role: string }
  | { kind: 'backlog'; description: string; oldestSeconds: number };

const watches = new WeakMap<Queue, QueueWatch>();

export function watchQueue(queue: Queue, watch: QueueWatch): void {
  watches.set(queue, watch);
}

export function watchOf(queue: Queue): QueueWatch | undefined {
  return watches.get(queue);
}
