// Records an audit event for every mutation through the API, whether it succeeded or not (a started run is
// audited from its own record instead).
// Only the route, the resource id and the outcome are kept: never a body, so no secret can enter the log.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { recordAudit } from '../../../shared/audit/audit-log';
import { getDeps } from '../../../shared/deps';
import { isDependencyUnavailable } from '../../../shared/errors';
import { logger } from '../../../shared/observability/observability';
import type { AuthenticatedEvent } from './authenticate';

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/**
 * Mutations whose success the table stream already audits from the record they write: a run's start is chained
 * as `execution.queued` from its execution item, with the same actor and role, so the request adds no second
 * event (and no intent item to write, then delete, per run). A refused start writes no record and is audited here,
 * as every other mutation is.
 */
const AUDITED_BY_THEIR_RECORD = new Set(['POST /v1/recipes/{id}/executions']);

export function auditMutations(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> {
  const record = async (request: Request) => {
    const event = request.event as AuthenticatedEvent;
    const method = event.requestContext.http.method;
    if (method === 'GET' || !event.principal || event.principal.role === 'platform') return;
    const status = request.response?.statusCode ?? 500;
    if (status < 400 && AUDITED_BY_THEIR_RECORD.has(event.routeKey)) return;
    const segments = event.rawPath.split('/').filter(Boolean);
    await recordAudit(getDeps(), event.principal.tenantId, {
      actor: event.principal.keyId,
      role: event.principal.role,
      action: `${method} ${event.routeKey.replace(/^\S+\s/, '')}`,
      resource: {
        type: segments[1] ?? 'unknown',
        id: event.pathParameters?.id ?? event.pathParameters?.name ?? createdId(request),
      },
      result: status < 400 ? 'success' : 'failure',
      status,
    });
  };
  return {
    after: record,
    // A request that already failed keeps its answer when its audit record cannot be written either: storage
    // not answering stays a 503 with Retry-After (nothing of the request was written), never a 500.
    onError: async (request) => {
      try {
        await record(request);
      } catch (error) {
        if (!isDependencyUnavailable(error)) throw error;
        logger.warn('the audit record of a failed request was not written', {
          errorType: (error as Error).name,
        });
      }
    },
  };
}

function createdId(request: Request): string | undefined {
  try {
    const body = JSON.parse(request.response?.body ?? '{}') as { id?: unknown };
    return typeof body.id === 'string' ? body.id : undefined;
  } catch {
    return undefined;
  }
}
