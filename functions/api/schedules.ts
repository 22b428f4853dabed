// /v1/recipes/{id}/schedules and /v1/schedules/{id}.
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { schedulerPort } from '../../shared/schedules/scheduler-port';
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  scheduleInputSchema,
} from '../../shared/schedules/schedules';
import { apiHandler, endpoint, json, noContent, pageQuery } from './endpoint';

checkFunctionSettings('api/schedules');

const scheduler = () => schedulerPort(getDeps().config);

export const handler = apiHandler([
  {
    method: 'POST',
    path: '/v1/recipes/{id}/schedules',
    handler: endpoint(
      { role: 'editor', body: scheduleInputSchema },
      async ({ deps, tenantId, params, body }) =>
        json(201, await createSchedule(deps, scheduler(), tenantId, params.id!, body)),
    ),
  },
  {
    method: 'GET',
    path: '/v1/recipes/{id}/schedules',
    handler: endpoint({ role: 'viewer', query: pageQuery }, async ({ deps, tenantId, params, query }) =>
      json(200, await listSchedules(deps, tenantId, params.id!, query)),
    ),
  },
  {
    method: 'DELETE',
    path: '/v1/schedules/{id}',
    handler: endpoint({ role: 'editor' }, async ({ deps, tenantId, params }) => {
      await deleteSchedule(deps, scheduler(), tenantId, params.id!);
      return noContent();
    }),
  },
]);
