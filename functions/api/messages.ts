// GET /v1/messages: correspondence sent by correspond steps, with delivery status.
import * as z from 'zod/mini';
import { checkFunctionSettings } from '../../shared/function-settings';
import { listMessages } from '../../shared/messages/messages';
import { apiHandler, endpoint, json, pageFields } from './endpoint';

checkFunctionSettings('api/messages');

const listQuery = z.lazy(() =>
  z.object({ ...pageFields(), executionId: z.optional(z.string().check(z.maxLength(100))) }),
);

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/messages',
    handler: endpoint({ role: 'viewer', query: listQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listMessages(deps, tenantId, query)),
    ),
  },
]);
