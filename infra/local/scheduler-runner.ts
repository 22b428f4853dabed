// Emulates EventBridge Scheduler locally: reads the schedule records (so they survive restarts), keeps one
// timer per schedule in its time zone, and invokes the same schedule handler with the same input shape.
// Like the service it does not replay runs missed while it was stopped.
import { Cron } from 'croner';
import type { Deps } from '../../shared/deps';
import { parseExpression } from '../../shared/schedules/expressions';
import { listAllSchedules } from '../../shared/schedules/schedules';

type Fire = (event: { tenantId: string; scheduleId: string; scheduledTime: string }) => Promise<void>;

interface Job {
  signature: string;
  stop: () => void;
}

export function startSchedulerRunner(deps: Deps, fire: Fire, refreshMs = 2000) {
  const jobs = new Map<string, Job>();
  const deliver = (tenantId: string, scheduleId: string, when: Date) => {
    void fire({
      tenantId,
      scheduleId,
      scheduledTime: new Date(Math.floor(when.getTime() / 1000) * 1000).toISOString(),
    }).catch((error: Error) =>
      console.error(
        JSON.stringify({ level: 'error', message: 'scheduled start failed', errorType: error.name }),
      ),
    );
  };

  async function refresh(): Promise<void> {
    const schedules = await listAllSchedules(deps);
    const seen = new Set<string>();
    for (const schedule of schedules) {
      const key = `${schedule.tenantId}#${schedule.id}`;
      const signature = `${schedule.expression}|${schedule.timezone}`;
      seen.add(key);
      if (jobs.get(key)?.signature === signature) continue;
      jobs.get(key)?.stop();
      const parsed = parseExpression(schedule.expression, schedule.timezone);
      if ('path' in parsed) continue;
      if (parsed.kind === 'rate') {
        // Ticks aligned to the schedule's creation, so a restart keeps the same cadence.
        const origin = new Date(schedule.createdAt).getTime();
        let timer: NodeJS.Timeout;
        const arm = () => {
          const next = origin + Math.ceil((Date.now() - origin + 1) / parsed.everyMs) * parsed.everyMs;
          timer = setTimeout(() => {
            deliver(schedule.tenantId, schedule.id, new Date(next));
            arm();
          }, next - Date.now());
        };
        arm();
        jobs.set(key, { signature, stop: () => clearTimeout(timer) });
      } else {
        const pattern = parsed.kind === 'cron' ? parsed.pattern : parsed.at;
        const job = new Cron(pattern, { timezone: schedule.timezone }, (self: Cron) => {
          deliver(schedule.tenantId, schedule.id, self.currentRun() ?? new Date());
        });
        jobs.set(key, { signature, stop: () => job.stop() });
      }
    }
    for (const [key, job] of jobs) {
      if (!seen.has(key)) {
        job.stop();
        jobs.delete(key);
      }
    }
  }

  let stopped = false;
  let pending = refresh().catch(() => {});
  const interval = setInterval(() => {
    pending = refresh().catch((error: Error) => {
      if (!stopped)
        console.error(
          JSON.stringify({ level: 'error', message: 'schedule refresh failed', errorType: error.name }),
        );
    });
  }, refreshMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(interval);
      await pending;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
    },
  };
}
