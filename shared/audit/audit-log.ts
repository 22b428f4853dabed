// The append-only, per-tenant, hash-chained audit log.
//
// Writers never touch the chain. A mutation records an audit *intent* (often in the same transaction as the
// change itself); a run's start and end need not even that: they are read from the execution record's own
// change on the table's stream (`auditOfExecutionChange`), so a run writes no audit item of its own. One
// consumer of the stream appends events in order, batched per tenant: it reads the chain's tail once (the
// newest events: their seq, hash and sources), then writes the next events, each carrying the previous
// event's hash, as one item — a *block*, named by its first seq, up to BLOCK_EVENTS events, gzipped as AWS
// advises for large attribute values (10 events: ~3.2 KB of JSON, 3–4 write units; gzipped ~0.8 KB, one) —
// with a condition that the name is new: two writers that read the same tail both name their block tail + 1,
// so one of them reads the tail again. A block's intents are deleted in the same transaction, so each is
// chained once. A lone event is an item of its own (as every event was before blocks), so both shapes are
// read. The tail is the head: no separate head item is written. No code path updates or deletes an event.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../canonical-json';
import { keys, stripKeys } from '../data/keys';
import {
  decodeCursor,
  eachInPartition,
  encodeCursor,
  type Page,
  type PageRequest,
  pageLimit,
  queryOlderThan,
} from '../data/pagination';
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

/**
 * The most events one audit item holds. A stream batch's events of one tenant make one block, or several when
 * there are more (a batch holds up to 100 records); with its intents' deletes a block is one transaction of at
 * most BLOCK_EVENTS + 1 actions, and about 10 KB of JSON, ~2 KB gzipped.
 */
const BLOCK_EVENTS = 25;

/**
 * The events an audit item holds, oldest first: the item itself, or a block's (`events`: their JSON, gzipped),
 * each linked to the one before it (a block stores only its first event's prevHash, and its tenant once).
 */
export function auditEventsOfItem(item: Record<string, unknown>): AuditEvent[] {
  if (!(item.events instanceof Uint8Array)) return [stripKeys<AuditEvent>(item, EVENT_ORDER)];
  let prevHash = String(item.prevHash);
  const events = JSON.parse(gunzipSync(item.events).toString('utf8')) as Array<Record<string, unknown>>;
  return events.map((stored) => {
    const event = stripKeys<AuditEvent>({ ...stored, tenantId: item.tenantId, prevHash }, EVENT_ORDER);
    prevHash = event.hash;
    return event;
  });
}

/** The item holding `events` (chained, in order): the lone event itself, or a block. */
function auditItem(tenantId: string, events: AuditEvent[]): Record<string, unknown> {
  const key = keys.auditEvent(tenantId, events[0]!.seq);
  if (events.length === 1) return { ...key, ...events[0] };
  return {
    ...key,
    tenantId,
    prevHash: events[0]!.prevHash,
    events: gzipSync(
      JSON.stringify(events.map(({ tenantId: _tenant, prevHash: _prev, ...stored }) => stored)),
    ),
  };
}

interface Tail {
  seq: number;
  hash: string;
  sources: Set<string>;
}

/** The chain's head (its newest event) and the sources of at least its newest `events` events. */
async function readTail(deps: Deps, tenantId: string, events: number): Promise<Tail> {
  const tail: Tail = { seq: 0, hash: GENESIS, sources: new Set() };
  let read = 0;
  let items = 0;
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    // Page by the events an item has held so far, so that blocks are not read far past what is needed.
    const perItem = items === 0 ? 1 : Math.max(1, read / items);
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditEvent(tenantId, 0).PK },
        ScanIndexForward: false,
        Limit: items === 0 ? 1 : Math.min(25, Math.ceil((events - read) / perItem)),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const held = auditEventsOfItem(item);
      if (items === 0) Object.assign(tail, { seq: held.at(-1)!.seq, hash: held.at(-1)!.hash });
      for (const event of held) if (event.source) tail.sources.add(event.source);
      read += held.length;
      items += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && read < events);
  return tail;
}

/**
 * Appends a tenant's pending events in order, reading the tail once, as few items as blocks allow. Idempotent:
 * an intent already chained is gone (its delete fails, and it is left out), a source already in the tail is
 * skipped. Another writer taking the next seq first (a second shard) makes it read the tail again and go on.
 */
export async function appendAuditEvents(
  deps: Deps,
  tenantId: string,
  pending: PendingAudit[],
): Promise<void> {
  const limit = tailEvents(pending.length);
  let tail = await readTail(deps, tenantId, limit);
  let rest = pending;
  for (let attempt = 0; ; ) {
    // What is still to chain: not chained already, each change and each intent once.
    const seen = new Set(tail.sources);
    rest = rest.filter((item) => {
      const id = item.source ?? `${item.intentKey!.PK}|${item.intentKey!.SK}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (rest.length === 0) return;
    const block = rest.slice(0, BLOCK_EVENTS);
    let link = { seq: tail.seq, hash: tail.hash };
    const events = block.map((item) => {
      const unsigned = {
        ...item.entry,
        tenantId,
        seq: link.seq + 1,
        at: item.at,
        ...(item.source ? { source: item.source } : {}),
        prevHash: link.hash,
      };
      const event: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
      link = event;
      return event;
    });
    const put = {
      TableName: deps.config.TABLE_NAME,
      Item: auditItem(tenantId, events),
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    const intents = block.flatMap((item) => (item.intentKey ? [item.intentKey] : []));
    try {
      if (intents.length > 0)
        await deps.db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...intents.map((Key) => ({
                Delete: {
                  TableName: deps.config.TABLE_NAME,
                  Key,
                  ConditionExpression: 'attribute_exists(PK)',
                },
              })),
              { Put: put },
            ],
          }),
        );
      else await deps.db.send(new PutCommand(put));
      const sources = block.flatMap((item) => (item.source ? [item.source] : []));
      tail = { seq: link.seq, hash: link.hash, sources: new Set([...tail.sources, ...sources]) };
      rest = rest.slice(block.length);
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TransactionCanceledException' && name !== 'ConditionalCheckFailedException') throw error;
      // An intent whose delete failed was chained already (by an earlier delivery): it is left out.
      const failed = name === 'TransactionCanceledException' ? failedConditions(error) : [];
      const chained = new Set(intents.filter((_, i) => failed[i]));
      rest = rest.filter((item) => !item.intentKey || !chained.has(item.intentKey));
      if (chained.size === 0) {
        if (++attempt > 50) throw new Error('the audit chain stayed contended; the stream will retry');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
      tail = await readTail(deps, tenantId, limit);
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

/** A page of a tenant's audit events, newest first; the cursor names the oldest event the page holds. */
export async function listAuditEvents(
  deps: Deps,
  tenantId: string,
  page: PageRequest,
): Promise<Page<AuditEvent>> {
  const { PK } = keys.auditEvent(tenantId, 0);
  const limit = pageLimit(page);
  const before = decodeCursor(page.cursor, { name: 'PK', value: PK })?.SK as string | undefined;
  const events: AuditEvent[] = [];
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    // Each item holds at least one event: never more items than the page still needs.
    const result = await queryOlderThan(deps, { pk: PK, before, limit: limit - events.length, startKey });
    for (const item of result.Items ?? [])
      for (const event of auditEventsOfItem(item).reverse())
        if (!before || event.seq < Number(before)) events.push(event);
    startKey = result.LastEvaluatedKey;
  } while (startKey && events.length < limit);
  const items = events.slice(0, limit);
  // Sequence numbers run from 1 without a gap: past the page's oldest event, there is one more unless it is 1.
  const oldest = items.at(-1);
  return {
    items,
    nextCursor: oldest && oldest.seq > 1 ? encodeCursor(keys.auditEvent(tenantId, oldest.seq)) : null,
  };
}

/** Recomputes the whole chain; reports the first event whose link or hash does not match. */
export async function verifyAuditChain(deps: Deps, tenantId: string) {
  const { PK } = keys.auditEvent(tenantId, 0);
  let previous = GENESIS;
  let expectedSeq = 1;
  for await (const item of eachInPartition(deps, { pk: PK, consistent: true }))
    for (const { hash, ...unsigned } of auditEventsOfItem(item)) {
      const reason =
        unsigned.seq !== expectedSeq
          ? `expected event ${expectedSeq}, found ${unsigned.seq}`
          : unsigned.prevHash !== previous
            ? 'prevHash does not match the previous event'
            : hashEvent(unsigned) !== hash
              ? 'hash does not match the event content'
              : null;
      if (reason)
        return { valid: false, events: expectedSeq - 1, firstBroken: { seq: unsigned.seq, reason } };
      previous = hash;
      expectedSeq += 1;
    }
  return { valid: true, events: expectedSeq - 1, headHash: previous === GENESIS ? null : previous };
}
