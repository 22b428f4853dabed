// The platform operator's view of tenants: list and read them with plan, status, balance and running runs;
// change a tenant's plan or suspend and reactivate it. Every change is recorded in the tenant's own audit log.
//
// A plan change is effective at once (rate and concurrency limits, the next renewal's allowance). Credits: an
// upgrade grants the difference between the two plans' monthly allowances at once (a `grant` ledger entry); a
// downgrade keeps the balance as it is, and the next renewal tops up to the new, smaller allowance only.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { auditIntentPut } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { getAccount, ledgerPut } from '../credits/credits';
import { type PlanId, planIds, plans } from '../credits/plans';
import { keys } from '../data/keys';
import type { PageRequest } from '../data/pagination';
import type { Deps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';
import { getTenant, listTenants, type Tenant, tenantStatuses } from './tenant-repository';

export const tenantChangeSchema = z.strictObject({
  plan: z.optional(z.enum(planIds)),
  status: z.optional(z.enum(tenantStatuses)),
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
});

export interface TenantSummary extends Tenant {
  balance: number | null;
  running: number | null;
}

export async function listTenantSummaries(deps: Deps, page: PageRequest) {
  const result = await listTenants(deps, page);
  return { ...result, items: await Promise.all(result.items.map((tenant) => summarise(deps, tenant))) };
}

export async function getTenantSummary(deps: Deps, tenantId: string): Promise<TenantSummary> {
  const tenant = await getTenant(deps, tenantId);
  if (!tenant) throw new NotFound('tenant');
  return summarise(deps, tenant);
}

export async function changeTenant(
  deps: Deps,
  tenantId: string,
  change: z.infer<typeof tenantChangeSchema>,
  actor: Principal,
): Promise<TenantSummary> {
  if (change.plan === undefined && change.status === undefined) {
    throw new ValidationFailed([{ path: 'body', message: 'set plan, status or both' }]);
  }
  if (change.reason !== undefined && change.status !== 'suspended') {
    throw new ValidationFailed([{ path: 'reason', message: 'a reason goes with status "suspended"' }]);
  }
  const tenant = await getTenant(deps, tenantId);
  if (!tenant) throw new NotFound('tenant');
  const from = tenant.plan as PlanId;
  const to = change.plan ?? from;
  const upgrade = Math.max(plans[to].monthlyCredits - plans[from].monthlyCredits, 0);
  const now = deps.now().toISOString();
  const sets = ['updatedAt = :now', '#plan = :plan'];
  const values: Record<string, unknown> = { ':now': now, ':plan': to };
  if (change.status) {
    sets.push('#status = :status');
    values[':status'] = change.status;
  }
  if (change.status === 'suspended' && change.reason) {
    sets.push('reason = :reason');
    values[':reason'] = change.reason;
  }
  const removeReason = change.status === 'active' ? ' REMOVE reason' : '';
  const audit = (action: string) =>
    auditIntentPut(deps, tenantId, {
      actor: actor.keyId,
      role: actor.role,
      action,
      resource: { type: 'tenant', id: tenantId },
      result: 'success',
    });
  await deps.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: deps.config.TABLE_NAME,
            Key: keys.tenant(tenantId),
            UpdateExpression: `SET ${sets.join(', ')}${removeReason}`,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#plan': 'plan', ...(change.status ? { '#status': 'status' } : {}) },
            ExpressionAttributeValues: values,
          },
        },
        // The account carries the plan and the suspension too: every start reads it, so no extra read.
        ...(to !== from || change.status
          ? [
              {
                Update: {
                  TableName: deps.config.TABLE_NAME,
                  Key: keys.account(tenantId),
                  UpdateExpression: `SET #plan = :plan, balance = balance + :upgrade${
                    change.status === 'suspended' ? ', suspended = :true' : ''
                  }${change.status === 'active' ? ' REMOVE suspended' : ''}`,
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeNames: { '#plan': 'plan' },
                  ExpressionAttributeValues: {
                    ':plan': to,
                    ':upgrade': upgrade,
                    ...(change.status === 'suspended' ? { ':true': true } : {}),
                  },
                },
              },
            ]
          : []),
        ...(to !== from
          ? [
              ...(upgrade > 0
                ? [
                    ledgerPut(deps, tenantId, {
                      type: 'grant',
                      amount: upgrade,
                      reason: `plan changed from ${plans[from].name} to ${plans[to].name}`,
                    }),
                  ]
                : []),
              audit('tenant.plan_changed'),
            ]
          : []),
        ...(change.status && change.status !== tenant.status
          ? [audit(change.status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated')]
          : []),
      ],
    }),
  );
  return getTenantSummary(deps, tenantId);
}

async function summarise(deps: Deps, tenant: Tenant): Promise<TenantSummary> {
  const account = await getAccount(deps, tenant.id).catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
  return { ...tenant, balance: account?.balance ?? null, running: account?.running ?? null };
}
