// The outbox: every message a correspond step sends is recorded with its delivery status. A message's id is
// derived from its execution step, so a retried step finds the message it already sent instead of sending twice.
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';

export interface Message {
  id: string;
  executionId: string;
  stepId: string;
  channel: 'email' | 'sms' | 'webhook';
  to: string;
  subject?: string;
  body: string;
  status: 'sending' | 'sent' | 'failed';
  transport?: string;
  providerMessageId?: string;
  error?: string;
  createdAt: string;
  sentAt?: string;
}

const ORDER = [
  'id',
  'status',
  'channel',
  'to',
  'subject',
  'body',
  'transport',
  'providerMessageId',
  'error',
  'executionId',
  'stepId',
  'createdAt',
  'sentAt',
];

export function messageId(executionId: string, stepRecordId: string): string {
  return `msg_${createHash('sha256').update(`${executionId}:${stepRecordId}`).digest('hex').slice(0, 24)}`;
}

/** Claims the message for sending; returns the existing one when an earlier attempt already sent it. */
export async function claimMessage(
  deps: Deps,
  tenantId: string,
  message: Omit<Message, 'status' | 'createdAt'>,
) {
  const createdAt = deps.now().toISOString();
  const item = { ...message, status: 'sending' as const, createdAt };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...keys.message(tenantId, message.id), ...item },
        ConditionExpression: 'attribute_not_exists(PK) OR #status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    return { claimed: true as const, message: item };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const { Item } = await deps.db.send(
      new GetCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.message(tenantId, message.id),
        ConsistentRead: true,
      }),
    );
    return { claimed: false as const, message: stripKeys<Message>(Item ?? {}, ORDER) };
  }
}

export async function completeMessage(
  deps: Deps,
  tenantId: string,
  id: string,
  outcome: Pick<Message, 'status' | 'transport' | 'providerMessageId' | 'error'>,
) {
  const fields = Object.entries({ ...outcome, sentAt: deps.now().toISOString() }).filter(
    ([, v]) => v !== undefined,
  );
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.message(tenantId, id),
      UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
    }),
  );
}

export function listMessages(deps: Deps, tenantId: string, page: PageRequest & { executionId?: string }) {
  const { PK } = keys.message(tenantId, '');
  const filter = page.executionId
    ? { expression: 'executionId = :e', values: { ':e': page.executionId } }
    : undefined;
  return queryPartition(deps, { pk: PK, filter }, page, (item) => stripKeys<Message>(item, ORDER));
}
