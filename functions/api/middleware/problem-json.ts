// Maps every error to an RFC 9457 problem+json response; unknown errors become a bare 500 with no details.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DomainError,
  isDependencyUnavailable,
  RateLimited,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  ValidationFailed,
} from '../../../shared/errors';
import { logger } from '../../../shared/observability/observability';

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export function problemJson(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> {
  return {
    onError: async (request: Request) => {
      const error = request.error as (Error & { statusCode?: number; expose?: boolean }) | null;
      if (!error) return;
      const instance = request.event.rawPath;
      if (error instanceof DomainError) {
        request.response = problem(error.status, error.title, error.message, instance, {
          ...(error instanceof ValidationFailed ? { errors: error.errors } : {}),
        });
        if (error instanceof RateLimited)
          request.response.headers!['retry-after'] = String(error.retryAfterSeconds);
        return;
      }
      if (isDependencyUnavailable(error)) {
        logger.warn('a dependency is unavailable', { errorType: error.name, path: instance });
        const response = problem(
          503,
          'Service Unavailable',
          'recipeflow is briefly unavailable (a service it stores data in did not answer); try again',
          instance,
        );
        response.headers['retry-after'] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
        request.response = response;
        return;
      }
      if (typeof error.statusCode === 'number' && error.statusCode < 500) {
        // middy's router raises 404/405 as HTTP errors.
        request.response = problem(error.statusCode, error.name, error.message, instance);
        return;
      }
      // No stack trace or message of an unexpected error reaches the caller; the log keeps the type only.
      logger.error('unhandled error', { errorType: error.name, path: instance });
      request.response = problem(
        500,
        'Internal Server Error',
        'something went wrong; try again later',
        instance,
      );
    },
  };
}

export function problem(
  status: number,
  title: string,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
): APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> } {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `https://recipeflow.dev/problems/${status}`,
      title,
      status,
      detail,
      instance,
      ...extra,
    }),
  };
}
