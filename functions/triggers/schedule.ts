// The target of every schedule (EventBridge Scheduler in the cloud, the local runner locally).
import middy from '@middy/core';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';
import { runScheduled } from '../../shared/schedules/schedules';

checkFunctionSettings('triggers/schedule');

interface ScheduledEvent {
  tenantId: string;
  scheduleId: string;
  scheduledTime: string;
}

export const handler = middy<ScheduledEvent, { executionId: string | null }>()
  .use(observed())
  .handler(async (event) => {
    const execution = await runScheduled(getDeps(), event);
    return { executionId: execution?.id ?? null };
  });
