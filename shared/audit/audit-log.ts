// The append-only, per-tenant, hash-chained audit log.
//
// Writers never touch the chain. A mutation records an audit *intent* (often in the same transaction as the
// change itself); a run's start and end need not even that: they are read from the execution record's own
// change on the table's stream (`auditOfExecutionChange`), so a run writes no audit item of its own. One
// consumer of the stream appends events in order, batched per tenant: it reads the chain's tail once (the
// newest events: their seq, hash and sources), then writes each next event carrying the previous event's hash
// with a condition that its seq is new (an intent's event deletes the intent in the same transaction, so it is
// chained once). The tail is the head: no separate head item is written. No code path updates or deletes an
// event.
import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../canonical-json';
import { keys, stripKeys } from '../data/keys';
import { eachInPartition, type PageRequest, queryPartition } from '../data/pagination';
import { failedConditions } from '../data/transactions';
import type { Deps } from '../deps';
import { type ExecutionStatus, terminalStatuses } from '../executions/execution-model';
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
  /** What the event was read from, when not an intent (`<executionId>:<status>`): a redelivery adds no copy. */
  source?: string;
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
  'source',
  'prevHash',
  'hash',
];
/**
 * How many of the newest events a change is looked for among, for `pending` events to append: a change is seen
 * twice only when a stream batch is retried, and the retry repeats only that batch's records — at most the
 * `pending` events this call appends — so twice that, plus room for events another shard appends meanwhile,
 * holds every copy. (A fixed large tail would cost read units on every append.)
 */
export const tailEvents = (pending: number) => 2 * pending + 10;

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

/** One event to append: from an intent (its key, deleted as it is chained) or from a change (its source). */
export interface PendingAudit {
  entry: AuditEntry;
  at: string;
  intentKey?: { PK: string; SK: string };
  source?: string;
}

/** A run's start, admission (queued to running) or end as an audit event, from its record's change. */
export function auditOfExecutionChange(
  eventName: string | undefined,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): PendingAudit | null {
  if (!after || !String(after.PK).endsWith('#EXEC')) return null;
  const id = String(after.id);
  const resource = { type: 'execution', id };
  if (eventName === 'INSERT')
    return {
      entry: {
        actor: String(after.startedBy),
        role: String(after.startedByRole ?? 'system'),
        action: 'execution.queued',
        resource,
        result: 'success',
      },
      at: String(after.createdAt),
      source: `${id}:queued`,
    };
  const status = String(after.status) as ExecutionStatus;
  if (eventName === 'MODIFY' && before?.status === 'queued' && status === 'running')
    return {
      entry: {
        actor: 'system:admission',
        role: 'system',
        action: 'execution.admitted',
        resource,
        result: 'success',
      },
      at: String(after.startedAt ?? after.createdAt),
      source: `${id}:admitted`,
    };
  if (eventName !== 'MODIFY' || !terminalStatuses.has(status) || before?.status === status) return null;
  return {
    entry: {
      actor: 'system:workflow',
      role: 'system',
      action: `execution.${status}`,
      resource,
      result: status === 'succeeded' ? 'success' : 'failure',
    },
    at: String(after.finishedAt ?? after.createdAt),
    source: `${id}:${status}`,
  };
}

interface Tail {
  seq: number;
  hash: string;
  sources: Set<string>;
}

async function readTail(deps: Deps, tenantId: string, limit: number): Promise<Tail> {
  const { Items = [] } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditEvent(tenantId, 0).PK },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return {
    seq: Number(Items[0]?.seq ?? 0),
    hash: String(Items[0]?.hash ?? GENESIS),
    sources: new Set(Items.flatMap((item) => (item.source ? [String(item.source)] : []))),
  };
}

/**
 * Appends a tenant's pending events in order, reading the tail once. Idempotent: an intent already chained is
 * gone, a source already in the tail is skipped. Another writer taking the next seq first (a second shard)
 * makes it read the tail again and go on.
 */
export async function appendAuditEvents(
  deps: Deps,
  tenantId: string,
  pending: PendingAudit[],
): Promise<void> {
  const limit = tailEvents(pending.length);
  let tail = await readTail(deps, tenantId, limit);
  for (const item of pending) {
    for (let attempt = 0; ; attempt++) {
      if (item.source && tail.sources.has(item.source)) break;
      const unsigned = {
        ...item.entry,
        tenantId,
        seq: tail.seq + 1,
        at: item.at,
        ...(item.source ? { source: item.source } : {}),
        prevHash: tail.hash,
      };
      const event: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
      const put = {
        TableName: deps.config.TABLE_NAME,
        Item: { ...keys.auditEvent(tenantId, event.seq), ...event },
        ConditionExpression: 'attribute_not_exists(PK)',
      };
      try {
        if (item.intentKey)
          await deps.db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Delete: {
                    TableName: deps.config.TABLE_NAME,
                    Key: item.intentKey,
                    ConditionExpression: 'attribute_exists(PK)',
                  },
                },
                { Put: put },
              ],
            }),
          );
        else await deps.db.send(new PutCommand(put));
        tail = {
          seq: event.seq,
          hash: event.hash,
          sources: item.source ? new Set([...tail.sources, item.source]) : tail.sources,
        };
        break;
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TransactionCanceledException' && failedConditions(error)[0]) break; // intent already chained
        if (name !== 'TransactionCanceledException' && name !== 'ConditionalCheckFailedException')
          throw error;
        if (attempt >= 50) throw new Error('the audit chain stayed contended; the stream will retry');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
        tail = await readTail(deps, tenantId, limit);
      }
    }
  }
}

/** An intent item (from the stream) as a pending event. */
export function pendingOfIntent(intent: Record<string, unknown>): PendingAudit {
  const { PK, SK, tenantId: _t, at, ...entry } = intent;
  return {
    entry: entry as unknown as AuditEntry,
    at: String(at),
    intentKey: { PK: String(PK), SK: String(SK) },
  };
}

/** Chains one intent (from the stream). Idempotent: an intent already chained is skipped. */
export async function chainAuditIntent(deps: Deps, intent: Record<string, unknown>): Promise<void> {
  await appendAuditEvents(deps, String(intent.tenantId), [pendingOfIntent(intent)]);
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
