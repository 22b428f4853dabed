// Credits: a per-tenant balance that never goes below zero, changed only together with a ledger entry.
// Starts reserve in the same transaction as the execution record, which is their ledger line; the end of a run
// refunds what it did not use.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, auditIntentPut } from '../audit/audit-log';
import { keys, stripKeys } from '../data/keys';
import {
  decodeCursor,
  encodeCursor,
  type Page,
  type PageRequest,
  pageLimit,
  queryOlderThan,
} from '../data/pagination';
import type { Deps } from '../deps';
import { Conflict, InsufficientCredits, NotFound, RateLimited } from '../errors';
import { newId } from '../ids';
import { type PlanId, plans } from './plans';

/**
 * The largest balance an account may hold and the largest single grant: far below 2^53, so every balance,
 * ledger entry and sum stays an exact integer in JavaScript (the DynamoDB document client refuses to read a
 * number beyond Number.MAX_SAFE_INTEGER, which once made an account unreadable).
 */
export const MAX_BALANCE = 1_000_000_000_000;
export const MAX_GRANT = 1_000_000_000;

export type LedgerType = 'grant' | 'renewal' | 'reserve' | 'refund' | 'step_test';

export interface LedgerEntry {
  id: string;
  type: LedgerType;
  amount: number;
  executionId?: string;
  reason?: string;
  createdAt: string;
}

export interface Account {
  tenantId: string;
  plan: PlanId;
  balance: number;
  running: number;
  /** Runs accepted past the concurrency limit, waiting in the tenant's admission queue (absent: none yet). */
  queued?: number;
  /** When the plan's monthly credits are next renewed (the start of the next billing period). */
  renewsAt?: string;
  /** The day of the month periods start on (the day the account opened). */
  billingDay?: number;
  /** Set while the tenant is suspended: nothing starts. */
  suspended?: boolean;
}

/** The billing day of the month after `from` (clamped to that month's last day), at the same time, in UTC. */
export function nextPeriod(from: Date, billingDay = from.getUTCDate()): Date {
  const next = new Date(from);
  const day = billingDay;
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

export function ledgerPut(deps: Deps, tenantId: string, entry: Omit<LedgerEntry, 'id' | 'createdAt'>) {
  const id = newId('led');
  return {
    Put: {
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.ledgerEntry(tenantId, id), id, ...entry, createdAt: deps.now().toISOString() },
    },
  };
}

/** The account item of a new tenant, opened with its plan's monthly credits (as a ledger grant). */
export function openAccountItems(deps: Deps, tenantId: string, plan: PlanId) {
  const credits = plans[plan].monthlyCredits;
  return [
    {
      Put: {
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...keys.account(tenantId),
          tenantId,
          plan,
          balance: credits,
          running: 0,
          renewsAt: nextPeriod(deps.now()).toISOString(),
          billingDay: deps.now().getUTCDate(),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    ledgerPut(deps, tenantId, {
      type: 'grant',
      amount: credits,
      reason: `${plans[plan].name} plan monthly credits`,
    }),
  ];
}

/** Opens the account if the tenant has none (seeding and tests); an existing account is left as it is. */
export async function openAccountIfMissing(deps: Deps, tenantId: string, plan: PlanId): Promise<void> {
  try {
    await deps.db.send(new TransactWriteCommand({ TransactItems: openAccountItems(deps, tenantId, plan) }));
  } catch (error) {
    if ((error as Error).name !== 'TransactionCanceledException') throw error;
  }
}

/**
 * The account, with its plan's monthly credits renewed when a billing period has begun since the last
 * renewal: the balance is topped up to the monthly allowance (unused plan credits do not pile up; credits
 * above the allowance, from grants, are kept), with a `renewal` ledger entry. Renewal happens on the first
 * read in a new period, exactly once: the update is conditional on the period it renews.
 */
export async function getAccount(deps: Deps, tenantId: string): Promise<Account> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.account(tenantId), ConsistentRead: true }),
  );
  return accountFrom(deps, tenantId, Item);
}

/** The account from its item (which the caller read with strong consistency), renewed as getAccount does. */
export async function accountFrom(
  deps: Deps,
  tenantId: string,
  item: Record<string, unknown> | undefined,
): Promise<Account> {
  if (!item) throw new NotFound('credit account');
  const account = stripKeys<Account>(item, [
    'tenantId',
    'plan',
    'balance',
    'running',
    'queued',
    'renewsAt',
    'billingDay',
  ]);
  const now = deps.now();
  if (account.renewsAt && new Date(account.renewsAt) > now) return account;
  return renew(deps, tenantId, account, now);
}

async function renew(deps: Deps, tenantId: string, account: Account, now: Date): Promise<Account> {
  // The next renewal after now, on the account's billing day (an account from before renewals starts now).
  const billingDay = account.billingDay ?? now.getUTCDate();
  let renewsAt = account.renewsAt ? new Date(account.renewsAt) : now;
  while (renewsAt <= now) renewsAt = nextPeriod(renewsAt, billingDay);
  const plan = plans[account.plan];
  const topUp = account.renewsAt ? Math.max(plan.monthlyCredits - account.balance, 0) : 0;
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.config.TABLE_NAME,
              Key: keys.account(tenantId),
              UpdateExpression: 'SET balance = balance + :topUp, renewsAt = :next, billingDay = :day',
              ConditionExpression: account.renewsAt
                ? 'renewsAt = :current'
                : 'attribute_not_exists(renewsAt)',
              ExpressionAttributeValues: {
                ':topUp': topUp,
                ':next': renewsAt.toISOString(),
                ':day': billingDay,
                ...(account.renewsAt ? { ':current': account.renewsAt } : {}),
              },
            },
          },
          ...(topUp > 0
            ? [
                ledgerPut(deps, tenantId, {
                  type: 'renewal',
                  amount: topUp,
                  reason: `${plan.name} plan monthly credits, renewed to ${plan.monthlyCredits}`,
                }),
                auditIntentPut(deps, tenantId, {
                  actor: 'system:billing',
                  role: 'system',
                  action: 'credits.renewed',
                  resource: { type: 'credits', id: tenantId },
                  result: 'success',
                }),
              ]
            : []),
        ],
      }),
    );
  } catch (error) {
    // Another request renewed this period first: read what it left.
    if ((error as Error).name === 'TransactionCanceledException') return getAccount(deps, tenantId);
    throw error;
  }
  return { ...account, balance: account.balance + topUp, renewsAt: renewsAt.toISOString(), billingDay };
}

export async function grantCredits(
  deps: Deps,
  tenantId: string,
  amount: number,
  reason: string,
  audit: AuditEntry,
) {
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.config.TABLE_NAME,
              Key: keys.account(tenantId),
              UpdateExpression: 'SET balance = balance + :amount',
              // A negative grant (a correction) may not take the balance below zero, nor any grant above the
              // ceiling: balances stay integers every reader sums exactly.
              ConditionExpression: 'attribute_exists(PK) AND balance >= :floor AND balance <= :ceiling',
              ExpressionAttributeValues: {
                ':amount': amount,
                ':floor': Math.max(-amount, 0),
                ':ceiling': MAX_BALANCE - Math.max(amount, 0),
              },
            },
          },
          ledgerPut(deps, tenantId, { type: 'grant', amount, reason }),
          auditIntentPut(deps, tenantId, audit),
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') {
      const account = await getAccount(deps, tenantId).catch(() => undefined);
      if (!account) throw new NotFound('tenant');
      throw new Conflict(
        amount < 0
          ? `a grant of ${amount} would take the balance of ${account.balance} below zero`
          : `a grant of ${amount} would take the balance of ${account.balance} above ${MAX_BALANCE}`,
      );
    }
    throw error;
  }
  return getAccount(deps, tenantId);
}

/**
 * The account Update of a start that runs at once: debit `cost` and count one more running execution, only
 * under the concurrency limit and with no run of the tenant waiting (a start never overtakes the queue).
 */
export function reserveUpdate(deps: Deps, tenantId: string, cost: number, concurrencyLimit: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET balance = balance - :cost, running = running + :one',
      ConditionExpression:
        'balance >= :cost AND running < :limit AND (attribute_not_exists(queued) OR queued <= :zero)',
      ExpressionAttributeValues: { ':cost': cost, ':one': 1, ':limit': concurrencyLimit, ':zero': 0 },
    },
  };
}

/** The account Update of a start that waits its turn: debit `cost` now and count one more queued run. */
export function enqueueUpdate(deps: Deps, tenantId: string, cost: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET balance = balance - :cost ADD queued :one',
      ConditionExpression: 'balance >= :cost',
      ExpressionAttributeValues: { ':cost': cost, ':one': 1 },
    },
  };
}

/** The account Update that admits a queued run: one fewer waiting, one more running, under the limit. */
export function admitUpdate(deps: Deps, tenantId: string, concurrencyLimit: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET running = running + :one ADD queued :less',
      ConditionExpression: 'running < :limit AND queued > :zero',
      ExpressionAttributeValues: { ':one': 1, ':less': -1, ':limit': concurrencyLimit, ':zero': 0 },
    },
  };
}

/** The account Update of a queued run cancelled before it started: its whole reservation back, one fewer waiting. */
export function dequeueUpdate(deps: Deps, tenantId: string, refund: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET balance = balance + :refund ADD queued :less',
      ConditionExpression: 'queued > :zero',
      ExpressionAttributeValues: { ':refund': refund, ':less': -1, ':zero': 0 },
    },
  };
}

/** The account Update of a one-off charge (a step tried on its own): debit `amount`, never below zero. */
export function debitUpdate(deps: Deps, tenantId: string, amount: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET balance = balance - :amount',
      ConditionExpression: 'balance >= :amount',
      ExpressionAttributeValues: { ':amount': amount },
    },
  };
}

/** The account Update at the end of a run: refund what was not used and free the running slot. */
export function settleUpdate(deps: Deps, tenantId: string, refund: number) {
  return {
    Update: {
      TableName: deps.config.TABLE_NAME,
      Key: keys.account(tenantId),
      UpdateExpression: 'SET balance = balance + :refund, running = running - :one',
      ExpressionAttributeValues: { ':refund': refund, ':one': 1 },
    },
  };
}

/** Refuses a start the balance cannot cover (402). */
export function insufficientCredits(account: Account | undefined, cost: number): InsufficientCredits {
  return new InsufficientCredits(
    `this run needs ${cost} credits and the balance is ${account?.balance ?? 0}`,
  );
}

/** Refuses a start past the plan's concurrency limit (429), for a caller that asked not to queue. */
export function concurrencyLimited(account: Account): RateLimited {
  const limit = plans[account.plan].concurrentExecutions;
  return new RateLimited(`the ${plans[account.plan].name} plan runs at most ${limit} executions at once`, 5);
}

/**
 * A page of the ledger, newest first. Its lines live in two places: entries of their own (grants, renewals,
 * refunds, step tests) in the ledger partition, and each run's reservation, which is its execution item read
 * through GSI4. Both sort by entry id (ids sort by time), so a page takes up to `limit` of each older than the
 * cursor and keeps the newest `limit`; the cursor is the last line's id ("older than this").
 */
export async function listLedger(
  deps: Deps,
  tenantId: string,
  page: PageRequest,
): Promise<Page<LedgerEntry>> {
  const { PK } = keys.ledgerEntry(tenantId, '');
  const limit = pageLimit(page);
  const before = decodeCursor(page.cursor, { name: 'PK', value: PK })?.SK as string | undefined;
  const [entries, reservations] = await Promise.all([
    queryOlderThan(deps, { pk: PK, before, limit }),
    queryOlderThan(deps, { pk: PK, index: 'GSI4', before, limit }),
  ]);
  const lines = [
    ...(entries.Items ?? []).map((item) =>
      stripKeys<LedgerEntry>(item, ['id', 'type', 'amount', 'executionId', 'reason', 'createdAt']),
    ),
    ...(reservations.Items ?? []).map(
      (item): LedgerEntry => ({
        id: String(item.GSI4SK),
        type: 'reserve',
        amount: 0 - Number(item.creditsReserved), // never -0
        executionId: String(item.SK),
        createdAt: String(item.createdAt),
      }),
    ),
  ].sort((a, b) => (a.id < b.id ? 1 : -1));
  const items = lines.slice(0, limit);
  const more = lines.length > limit || entries.LastEvaluatedKey || reservations.LastEvaluatedKey;
  return { items, nextCursor: more ? encodeCursor({ PK, SK: items.at(-1)!.id }) : null };
}
