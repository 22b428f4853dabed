// HTTP API Lambda authorizer (simple responses, cached by API Gateway on the Authorization header).
// It always authorizes and passes either the principal or `anonymous`, so the handler can answer a bad key
// with a problem+json 401 instead of API Gateway's bare 403 (and storage that does not answer with a 503).
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { bearerToken } from '../../shared/auth/identity';
import { resolvePrincipal } from '../../shared/auth/resolve-principal';
import { getDeps } from '../../shared/deps';
import { DomainError, isDependencyUnavailable } from '../../shared/errors';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';

checkFunctionSettings('authorizer/authorizer');

export type AuthorizerContext = Record<string, string>;

export const handler = middy<
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>
>()
  .use(observed())
  .handler(async (event) => {
    try {
      const principal = await resolvePrincipal(getDeps(), bearerToken(event.headers));
      return { isAuthorized: true, context: { ...principal } as AuthorizerContext };
    } catch (error) {
      // Storage not answering is not the caller's fault: the handler answers 503 with Retry-After. (API
      // Gateway caches this answer for the authorizer TTL, so Retry-After is that TTL.)
      if (isDependencyUnavailable(error))
        return {
          isAuthorized: true,
          context: {
            anonymous: 'true',
            status: '503',
            reason: 'recipeflow is briefly unavailable; try again',
          },
        };
      if (!(error instanceof DomainError)) throw error;
      return {
        isAuthorized: true,
        context: { anonymous: 'true', status: String(error.status), reason: error.message },
      };
    }
  });
