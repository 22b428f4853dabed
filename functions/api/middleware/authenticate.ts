// Resolves the caller's principal. Behind API Gateway (and the local gateway) the Lambda authorizer has
// already done it and its context arrives in requestContext.authorizer.lambda; without one, the key is
// checked here.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AUTHORIZER_TTL_SECONDS, bearerToken } from '../../../shared/auth/identity';
import type { Principal } from '../../../shared/auth/principal';
import { resolvePrincipal } from '../../../shared/auth/resolve-principal';
import { getDeps } from '../../../shared/deps';
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
        event.principal = await resolvePrincipal(getDeps(), bearerToken(event.headers));
      }
      logger.appendKeys({ tenantId: event.principal.tenantId });
    },
  };
}
