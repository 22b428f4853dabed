// Where schedules run: one EventBridge Scheduler schedule per record, in the schedule group, targeting the
// schedule Lambda with a retry policy and a dead-letter queue. Locally the same calls go to the runtime's
// Scheduler emulator (SCHEDULER_ENDPOINT), which fires the same handler. The SDK is loaded by the first schedule
// armed or removed (scheduler-sdk.ts).
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { awsClientSettings, type Config, requireSettings } from '../config';
import { recordCalls } from '../observability/call-recorder';
import type { SchedulerPort } from './schedules';

/** What a function that arms schedules must be given (checked at cold start, see config.ts). */
export const SCHEDULER_SETTINGS = ['SCHEDULE_GROUP', 'SCHEDULE_TARGET_ARN', 'SCHEDULER_ROLE_ARN'] as const;

export function schedulerPort(config: Config, client?: SchedulerClient): SchedulerPort {
  const [group, targetArn, roleArn] = requireSettings(config, SCHEDULER_SETTINGS);
  let scheduler = client;
  const sdk = async () => {
    const loaded = await import('./scheduler-sdk');
    scheduler ??= recordCalls(
      new loaded.SchedulerClient(awsClientSettings(config, config.SCHEDULER_ENDPOINT)),
    );
    return { ...loaded, scheduler };
  };
  const name = (tenantId: string, id: string) => `${tenantId}-${id}`.slice(0, 64);
  return {
    async put(tenantId, schedule) {
      const { CreateScheduleCommand, scheduler } = await sdk();
      await scheduler.send(
        new CreateScheduleCommand({
          Name: name(tenantId, schedule.id),
          GroupName: group,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timezone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ...(schedule.expression.startsWith('at(') ? { ActionAfterCompletion: 'DELETE' } : {}),
          Target: {
            Arn: targetArn,
            RoleArn: roleArn,
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
      const { DeleteScheduleCommand, ResourceNotFoundException, scheduler } = await sdk();
      await scheduler
        .send(new DeleteScheduleCommand({ Name: name(tenantId, id), GroupName: group }))
        .catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        });
    },
  };
}
