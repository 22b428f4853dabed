// Honours the Idempotency-Key header on mutations (see shared/idempotency).
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { getDeps } from '../../../shared/deps';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyClaim,
  releaseIdempotencyKey,
} from '../../../shared/idempotency/idempotency';
import type { AuthenticatedEvent } from './authenticate';

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> & {
  internal: { idempotency?: IdempotencyClaim };
};

export function idempotency(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> {
  return {
    before: async (request) => {
      const event = request.event as AuthenticatedEvent;
      const key = event.headers?.['idempotency-key'];
      if (key === undefined || event.requestContext.http.method === 'GET') return;
      const outcome = await claimIdempotencyKey(getDeps(), event.principal.tenantId, {
        key,
        method: event.requestContext.http.method,
        route: event.rawPath,
        body: `${event.rawQueryString}\n${event.body ?? ''}`,
      });
      if ('replay' in outcome) {
        return { ...outcome.replay, headers: { ...outcome.replay.headers, 'idempotent-replayed': 'true' } };
      }
      (request as Request).internal.idempotency = outcome.claim;
    },
    after: async (request) => {
      const claim = (request as Request).internal.idempotency;
      const response = request.response;
      if (!claim || !response) return;
      if ((response.statusCode ?? 200) >= 400) return releaseIdempotencyKey(getDeps(), claim);
      await completeIdempotencyKey(getDeps(), claim, {
        statusCode: response.statusCode ?? 200,
        headers: (response.headers ?? {}) as Record<string, string>,
        body: response.body,
      });
    },
    onError: async (request) => {
      const claim = (request as Request).internal.idempotency;
      if (claim) await releaseIdempotencyKey(getDeps(), claim);
    },
  };
}
