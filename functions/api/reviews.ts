// /v1/reviews: pending human reviews, and decisions that resume their runs.
import * as z from 'zod/mini';
import { checkFunctionSettings } from '../../shared/function-settings';
import { decisionSchema } from '../../shared/reviews/decision-schema';
import { decideReview, listReviews, readReview, reviewStatuses } from '../../shared/reviews/reviews';
import { apiHandler, endpoint, json, pageFields } from './endpoint';

checkFunctionSettings('api/reviews');

const listQuery = z.lazy(() =>
  z.object({ ...pageFields(), status: z._default(z.enum(reviewStatuses), 'pending') }),
);

export const handler = apiHandler([
  {
    method: 'GET',
    path: '/v1/reviews',
    handler: endpoint({ role: 'viewer', query: listQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listReviews(deps, tenantId, query.status, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/reviews/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await readReview(deps, tenantId, params.id!)),
    ),
  },
  {
    method: 'POST',
    path: '/v1/reviews/{id}/decision',
    handler: endpoint(
      { role: 'operator', body: decisionSchema },
      async ({ deps, tenantId, principal, params, body }) =>
        json(200, await decideReview(deps, tenantId, params.id!, body, principal.keyId)),
    ),
  },
]);
