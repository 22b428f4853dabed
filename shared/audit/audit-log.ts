// The append-only, per-tenant, hash-chained audit log.
//
// Writers never touch the chain: a mutation records an audit *intent* (often in the same transaction as the
// change itself). One consumer of the table's stream chains intents in order — it reads the head, writes the
// next event carrying the previous event's hash, and deletes the intent in one transaction — so concurrent
// writers never contend for the head. No code path updates or deletes an event.
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../canonical-json';
import { keys, stripKeys } from '../data/keys';
import { eachInPartition, type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { newId } from '../ids';

export interface AuditEntry {
  actor: string;
  role: string;
  action: string;
  resource: { type: string; id?: string };
  result: 'success' | 'failure';
  status?: number;
}

export interface AuditEvent extends AuditEntry {
  tenantId: string;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
const EVENT_ORDER = [
  'seq',
  'at',
  'actor',
  'role',
  'action',
  'resource',
  'result',
  'status',
  'tenantId',
  'prevHash',
  'hash',
];

/** The Put of an audit intent, to include in a mutation's own transaction. */
export function auditIntentPut(deps: Deps, tenantId: string, entry: AuditEntry) {
  const at = deps.now().toISOString();
  return {
    Put: {
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.auditIntent(tenantId, newId('aud')), tenantId, at, ...entry },
    },
  };
}

export async function recordAudit(deps: Deps, tenantId: string, entry: AuditEntry): Promise<void> {
  await deps.db.send(new PutCommand(auditIntentPut(deps, tenantId, entry).Put));
}

export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(event.prevHash).update('\n').update(canonicalJson(event)).digest('hex');
}

/** Chains one intent (from the stream). Idempotent: an intent already chained is skipped. */
export async function chainAuditIntent(deps: Deps, intent: Record<string, unknown>): Promise<void> {
  const tenantId = String(intent.tenantId);
  const intentKey = { PK: String(intent.PK), SK: String(intent.SK) };
  const { PK: _pk, SK: _sk, tenantId: _t, at, ...entry } = intent;
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Item: head } = await deps.db.send(
      new GetCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.auditHead(tenantId),
        ConsistentRead: true,
      }),
    );
    const seq = Number(head?.seq ?? 0) + 1;
    const unsigned = {
      ...(entry as unknown as AuditEntry),
      tenantId,
      seq,
      at: String(at),
      prevHash: String(head?.hash ?? GENESIS),
    };
    const event: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
    try {
      await deps.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: deps.config.TABLE_NAME,
                Key: intentKey,
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            {
              Put: {
                TableName: deps.config.TABLE_NAME,
                Item: { ...keys.auditEvent(tenantId, seq), ...event },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: deps.config.TABLE_NAME,
                Item: { ...keys.auditHead(tenantId), seq, hash: event.hash },
                ...(head
                  ? {
                      ConditionExpression: 'seq = :previous',
                      ExpressionAttributeValues: { ':previous': seq - 1 },
                    }
                  : { ConditionExpression: 'attribute_not_exists(PK)' }),
              },
            },
          ],
        }),
      );
      return;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return; // intent already chained
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
    }
  }
  throw new Error('the audit chain head stayed contended; the stream will retry');
}

export function listAuditEvents(deps: Deps, tenantId: string, page: PageRequest) {
  const { PK } = keys.auditEvent(tenantId, 0);
  return queryPartition(deps, { pk: PK, newestFirst: true }, page, (item) =>
    stripKeys<AuditEvent>(item, EVENT_ORDER),
  );
}

/** Recomputes the whole chain; reports the first event whose link or hash does not match. */
export async function verifyAuditChain(deps: Deps, tenantId: string) {
  const { PK } = keys.auditEvent(tenantId, 0);
  let previous = GENESIS;
  let expectedSeq = 1;
  for await (const item of eachInPartition(deps, { pk: PK, consistent: true })) {
    const { hash, ...unsigned } = stripKeys<AuditEvent>(item);
    const reason =
      unsigned.seq !== expectedSeq
        ? `expected event ${expectedSeq}, found ${unsigned.seq}`
        : unsigned.prevHash !== previous
          ? 'prevHash does not match the previous event'
          : hashEvent(unsigned) !== hash
            ? 'hash does not match the event content'
            : null;
    if (reason) return { valid: false, events: expectedSeq - 1, firstBroken: { seq: unsigned.seq, reason } };
    previous = hash;
    expectedSeq += 1;
  }
  return { valid: true, events: expectedSeq - 1, headHash: previous === GENESIS ? null : previous };
}
