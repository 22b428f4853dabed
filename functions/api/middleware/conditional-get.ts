// Conditional reads: every successful GET carries a strong ETag (a hash of its body), and a GET whose
// If-None-Match names the current one is answered 304 with no body, so a console polling a run every second
// moves a few bytes while nothing changes. The handler still runs: the read is what tells whether it changed.
import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export function conditionalGet(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> {
  return {
    after: (request) => {
      const { event, response } = request;
      if (event.requestContext.http.method !== 'GET' || response?.statusCode !== 200) return;
      if (typeof response.body !== 'string' || response.isBase64Encoded) return;
      const etag = `"${createHash('sha256').update(response.body).digest('base64url').slice(0, 27)}"`;
      response.headers = { ...response.headers, etag };
      const wanted = event.headers?.['if-none-match'];
      if (wanted?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
        request.response = { statusCode: 304, headers: { etag } };
      }
    },
  };
}
