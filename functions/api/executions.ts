// /v1/recipes/{id}/executions (start) and /v1/executions (history, one run with its steps). Cancel and redrive
// (which compile a resumed run's state machine) are imported by the first such request.
import * as z from 'zod/mini';
import { queuePosition } from '../../shared/executions/admission-queue';
import { executionStatuses, terminalStatuses } from '../../shared/executions/execution-model';
import {
  getExecutionRecord,
  getExecutionWithSteps,
  listExecutions,
  listStepPage,
} from '../../shared/executions/execution-repository';
import { startExecution, waitForExecution } from '../../shared/executions/start-execution';
import { getStepOutput } from '../../shared/executions/step-output';
import { checkFunctionSettings } from '../../shared/function-settings';
import { apiHandler, endpoint, json, pageFields } from './endpoint';

checkFunctionSettings('api/executions');

const control = () => import('../../shared/executions/execution-control');

// `{ "input": … }`, or the input object itself: a body whose only field is `input` is the wrapper.
const startBody = z.lazy(() =>
  z.pipe(
    z.record(z.string(), z.unknown()),
    z.transform((body: Record<string, unknown>) => ({
      input: Object.keys(body).length === 1 && 'input' in body ? body.input : body,
    })),
  ),
);
const startQuery = z.lazy(() =>
  z.object({
    wait: z.optional(z.enum(['true', 'false'])),
    // Past the concurrency limit a start is queued (202, status queued); `queue=false` asks for 429 instead.
    queue: z.optional(z.enum(['true', 'false'])),
  }),
);
const stepsQuery = z.lazy(() =>
  z.object({
    ...pageFields(),
    step: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    status: z.optional(z.enum(['succeeded', 'failed', 'waiting'])),
  }),
);
const listQuery = z.lazy(() =>
  z.object({
    ...pageFields(),
    recipeId: z.optional(z.string().check(z.maxLength(100))),
    status: z.optional(z.enum(executionStatuses)),
  }),
);

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/recipes/{id}/executions',
    handler: endpoint(
      { role: 'operator', body: startBody, query: startQuery },
      async ({ deps, tenantId, principal, params, body, query }) => {
        const started = await startExecution(deps, {
          tenantId,
          recipeId: params.id!,
          input: body.input,
          trigger: 'api',
          actor: { id: principal.keyId, role: principal.role },
          queue: query.queue !== 'false',
        });
        if (query.wait !== 'true') return json(202, started);
        const execution = await waitForExecution(deps, tenantId, started.id, deps.config.WAIT_TIMEOUT_MS);
        return json(terminalStatuses.has(execution.status) ? 200 : 202, execution);
      },
    ),
  },
  {
    method: 'POST',
    path: '/v1/executions/{id}/cancel',
    handler: endpoint({ role: 'operator' }, async ({ deps, tenantId, principal, params }) =>
      json(
        200,
        await (await control()).cancelExecution(deps, tenantId, params.id!, {
          id: principal.keyId,
          role: principal.role,
        }),
      ),
    ),
  },
  {
    method: 'POST',
    path: '/v1/executions/{id}/redrive',
    handler: endpoint({ role: 'operator' }, async ({ deps, tenantId, principal, params }) =>
      json(
        202,
        await (await control()).redriveExecution(deps, tenantId, params.id!, {
          id: principal.keyId,
          role: principal.role,
        }),
      ),
    ),
  },
  {
    method: 'GET',
    path: '/v1/executions',
    handler: endpoint({ role: 'viewer', query: listQuery }, async ({ deps, tenantId, query }) =>
      json(200, await listExecutions(deps, tenantId, query)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/executions/{id}',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) => {
      const execution = await getExecutionWithSteps(deps, tenantId, params.id!);
      if (execution.status === 'queued')
        execution.queuePosition = await queuePosition(deps, tenantId, execution.id);
      return json(200, execution);
    }),
  },
  {
    method: 'GET',
    path: '/v1/executions/{id}/steps',
    handler: endpoint({ role: 'viewer', query: stepsQuery }, async ({ deps, tenantId, params, query }) => {
      await getExecutionRecord(deps, tenantId, params.id!); // 404 for a run that is not the tenant's
      return json(200, await listStepPage(deps, tenantId, params.id!, query));
    }),
  },
  {
    method: 'GET',
    path: '/v1/executions/{id}/steps/{stepId}/output',
    handler: endpoint({ role: 'viewer' }, async ({ deps, tenantId, params }) =>
      json(200, await getStepOutput(deps, tenantId, params.id!, params.stepId!)),
    ),
  },
]);
