// The plan's request rate, per tenant, counted in DynamoDB so every Lambda instance shares the count: fixed
// windows of WINDOW_SECONDS, each allowing the plan's rate times its length. A burst (30 starts at once from a
// free plan) is served as long as the window's average stays within the rate, as API Gateway's token bucket
// allows a burst above the steady rate.
//
// Every request is counted, but not every request writes: an instance takes its requests from the window's
// counter in leases that grow with its own traffic in that window (1, 1, 2, 4 … at most MAX_LEASE_SHARE of the
// window), and serves the lease from memory. A quiet instance writes once per request, as before; a busy one
// writes once per tens of requests. A lease's unused part is lost with its window, so a tenant whose traffic
// spreads over many busy instances may be refused a little before its exact rate (each instance at most its
// last lease, itself at most what the instance served in that window and 1/50 of the window), never after it:
// the counter never passes the limit. Free plans (50 per window) lease one at a time, exactly as counted.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { RateLimited } from '../errors';
import { type PlanId, plans } from './plans';

export const WINDOW_SECONDS = 10;
/** The largest lease, as a share of the window's limit. */
const MAX_LEASE_SHARE = 1 / 50;

interface Lease {
  windowStart: number;
  /** Requests left in the lease, served without a write. */
  left: number;
  /** Requests this instance has taken from the window so far (the next lease's size). */
  taken: number;
  /** The lease being fetched, which requests meanwhile wait for. */
  fetching?: Promise<void>;
  /** The window's counter is at its limit: it never goes down, so the window's later requests are refused here. */
  full?: boolean;
}

/** This instance's leases, by tenant (one window each: a new window starts a new lease). */
const leases = new Map<string, Lease>();
const MAX_TENANTS_LEASED = 10_000;

export async function consumeRequest(deps: Deps, tenantId: string, plan: string | undefined): Promise<void> {
  const rate = plans[(plan ?? 'free') as PlanId]?.requestsPerSecond ?? plans.free.requestsPerSecond;
  const limit = rate * WINDOW_SECONDS;
  const now = deps.now().getTime() / 1000;
  const windowStart = Math.floor(now / WINDOW_SECONDS) * WINDOW_SECONDS;
  let lease = leases.get(tenantId);
  if (lease?.windowStart !== windowStart) {
    if (!lease && leases.size >= MAX_TENANTS_LEASED) leases.delete(leases.keys().next().value!);
    lease = { windowStart, left: 0, taken: 0 };
    leases.set(tenantId, lease);
  }
  // One lease is fetched at a time per tenant; requests that come meanwhile wait for it (the local runtime
  // serves many at once; a Lambda instance one).
  for (;;) {
    if (lease.left > 0) {
      lease.left -= 1;
      return;
    }
    if (lease.full || !lease.fetching) break;
    await lease.fetching;
  }
  if (lease.full) throw limited(rate, limit, windowStart, now);
  const current = lease;
  const size = Math.max(1, Math.min(current.taken, Math.floor(limit * MAX_LEASE_SHARE)));
  let got = 0;
  const fetching = (async () => {
    // Near the window's end a full lease may no longer fit: the requests left are then taken one at a time.
    if (await take(deps, tenantId, windowStart, limit, size)) got = size;
    else if (size > 1 && (await take(deps, tenantId, windowStart, limit, 1))) got = 1;
    if (got === 0) current.full = true;
    current.taken += got;
    current.left += Math.max(0, got - 1); // this request is the lease's first
  })();
  current.fetching = fetching.catch(() => {});
  try {
    await fetching;
  } finally {
    current.fetching = undefined;
  }
  if (got === 0) throw limited(rate, limit, windowStart, now);
}

function limited(rate: number, limit: number, windowStart: number, now: number): RateLimited {
  return new RateLimited(
    `the plan allows ${rate} requests per second (${limit} per ${WINDOW_SECONDS} seconds)`,
    Math.max(1, Math.ceil(windowStart + WINDOW_SECONDS - now)),
  );
}

/** Adds `size` to the window's counter unless it would pass the limit; false when it would. */
async function take(
  deps: Deps,
  tenantId: string,
  windowStart: number,
  limit: number,
  size: number,
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(tenantId, windowStart),
        UpdateExpression: 'ADD #count :size SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':size': size, ':most': limit - size, ':expires': windowStart + 120 },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
