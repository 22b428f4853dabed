// /v1/audit (newest first) and /v1/audit/verify (recomputes the hash chain).
import { listAuditEvents, verifyAuditChain } from '../../shared/audit/audit-log';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, pageQuery } from './endpoint';

checkFunctionSettings('api/audit');

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/audit',
    handler: endpoint({ role: 'admin', query: pageQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listAuditEvents(deps, tenantId, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/audit/verify',
    handler: endpoint({ role: 'admin' }, async ({ deps, tenantId }) =>
      json(200, await verifyAuditChain(deps, tenantId)),
    ),
  },
]);
