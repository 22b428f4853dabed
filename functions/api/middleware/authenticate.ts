// Resolves the caller's principal. In the cloud a Lambda authorizer may already have done it (its context
// arrives in requestContext.authorizer.lambda); otherwise the API key is checked here.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateApiKey } from '../../../shared/auth/api-keys';
import type { Principal } from '../../../shared/auth/principal';
import { getDeps } from '../../../shared/deps';

export type AuthenticatedEvent = APIGatewayProxyEventV2 & { principal: Principal };

export function authenticate(): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const event = request.event as AuthenticatedEvent;
      const fromAuthorizer = (event.requestContext as { authorizer?: { lambda?: Principal } }).authorizer
        ?.lambda;
      event.principal = fromAuthorizer?.tenantId
        ? fromAuthorizer
        : await authenticateApiKey(getDeps(), apiKeyOf(event));
    },
  };
}

function apiKeyOf(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return event.headers?.['x-api-key'];
}
