// Where schedules run. Cloud: one EventBridge Scheduler schedule per record, in the schedule group, targeting
// the schedule Lambda with a retry policy and a dead-letter queue. Local: nothing to mirror — the local runner
// reads the records themselves.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Config } from '../config';
import type { SchedulerPort } from './schedules';

export function schedulerPort(config: Config, client?: SchedulerClient): SchedulerPort {
  if (!config.SCHEDULE_TARGET_ARN || !config.SCHEDULER_ROLE_ARN)
    return { put: async () => {}, remove: async () => {} };
  const scheduler = client ?? new SchedulerClient({ region: config.AWS_REGION });
  const group = config.SCHEDULE_GROUP ?? 'recipeflow';
  const name = (tenantId: string, id: string) => `${tenantId}-${id}`.slice(0, 64);
  return {
    async put(tenantId, schedule) {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: name(tenantId, schedule.id),
          GroupName: group,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timezone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ...(schedule.expression.startsWith('at(') ? { ActionAfterCompletion: 'DELETE' } : {}),
          Target: {
            Arn: config.SCHEDULE_TARGET_ARN,
            RoleArn: config.SCHEDULER_ROLE_ARN,
            // The scheduled time makes each start idempotent, also when Scheduler delivers twice.
            Input: JSON.stringify({
              tenantId,
              scheduleId: schedule.id,
              scheduledTime: '<aws.scheduler.scheduled-time>',
            }),
            RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
            ...(config.SCHEDULE_DLQ_ARN ? { DeadLetterConfig: { Arn: config.SCHEDULE_DLQ_ARN } } : {}),
          },
        }),
      );
    },
    async remove(tenantId, id) {
      await scheduler
        .send(new DeleteScheduleCommand({ Name: name(tenantId, id), GroupName: group }))
        .catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        });
    },
  };
}
