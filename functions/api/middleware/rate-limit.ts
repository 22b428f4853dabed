// Per-tenant request rate from the plan: one counter item per tenant and second (expires by TTL).
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consumeRequest } from '../../../shared/credits/rate-limit';
import { getDeps } from '../../../shared/deps';
import type { AuthenticatedEvent } from './authenticate';

export function rateLimit(): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const { principal } = request.event as AuthenticatedEvent;
      if (principal.role !== 'platform') await consumeRequest(getDeps(), principal.tenantId, principal.plan);
    },
  };
}
