// /v1/plans, /v1/credits, /v1/credits/transactions and /v1/credits/grants (platform admin).
import * as z from 'zod/mini';
import { getAccount, grantCredits, listLedger, MAX_GRANT } from '../../shared/credits/credits';
import { plans } from '../../shared/credits/plans';
import { prices } from '../../shared/credits/pricing';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, pageQuery } from './endpoint';

checkFunctionSettings('api/credits');

const grantInput = z.lazy(() =>
  z.strictObject({
    tenantId: z.string().check(z.minLength(1), z.maxLength(100)),
    amount: z.number().check(
      z.int(),
      z.minimum(-MAX_GRANT),
      z.maximum(MAX_GRANT),
      z.refine((n) => n !== 0, 'must not be zero'),
    ),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  }),
);

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/plans',
    handler: endpoint({ role: 'any' }, async () => json(200, { items: Object.values(plans), prices })),
  },
  {
    method: 'GET',
    path: '/v1/credits',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId }) => {
      const account = await getAccount(deps, tenantId);
      const plan = plans[account.plan];
      return json(200, {
        balance: account.balance,
        running: account.running,
        queued: account.queued ?? 0,
        plan: plan.id,
        monthlyCredits: plan.monthlyCredits,
        renewsAt: account.renewsAt,
        concurrentExecutions: plan.concurrentExecutions,
      });
    }),
  },
  {
    method: 'GET',
    path: '/v1/credits/transactions',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listLedger(deps, tenantId, query)),
    ),
  },
  {
    method: 'POST',
    path: '/v1/credits/grants',
    handler: endpoint({ role: 'platform', body: grantInput }, async ({ deps, principal, body }) => {
      const account = await grantCredits(deps, body.tenantId, body.amount, body.reason, {
        actor: principal.keyId,
        role: principal.role,
        action: 'credits.granted',
        resource: { type: 'credits', id: body.tenantId },
        result: 'success',
      });
      return json(201, { tenantId: body.tenantId, amount: body.amount, balance: account.balance });
    }),
  },
]);
