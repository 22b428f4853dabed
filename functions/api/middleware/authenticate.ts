// The caller's principal, as the Lambda authorizer resolved it: API Gateway (and the local gateway) calls the
// authorizer before every route but the public ones, and its context arrives in
// requestContext.authorizer.lambda. A request without that context did not come through the authorizer and is
// refused; the key is never checked here, so API functions bundle neither jose nor the key lookup.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AUTHORIZER_TTL_SECONDS } from '../../../shared/auth/identity';
import type { Principal } from '../../../shared/auth/principal';
import { Forbidden, TryAgainLater, Unauthorized } from '../../../shared/errors';
import { logger } from '../../../shared/observability/observability';

export type AuthenticatedEvent = APIGatewayProxyEventV2 & { principal: Principal };

type AuthorizerContext = Partial<Principal> & { anonymous?: string; status?: string; reason?: string };

export function authenticate(): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const event = request.event as AuthenticatedEvent;
      const context = (event.requestContext as { authorizer?: { lambda?: AuthorizerContext } }).authorizer
        ?.lambda;
      if (context?.tenantId && context.role && context.keyId) {
        event.principal = {
          tenantId: context.tenantId,
          role: context.role,
          keyId: context.keyId,
          plan: context.plan,
        };
      } else if (context?.anonymous) {
        if (context.status === '503')
          throw new TryAgainLater(context.reason ?? 'unavailable', AUTHORIZER_TTL_SECONDS);
        throw context.status === '403'
          ? new Forbidden(context.reason ?? 'forbidden')
          : new Unauthorized(context.reason);
      } else {
        throw new Unauthorized();
      }
      logger.appendKeys({ tenantId: event.principal.tenantId });
    },
  };
}
