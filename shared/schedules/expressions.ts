// EventBridge Scheduler expressions — cron(min hour day-of-month month day-of-week year), rate(n unit) and
// at(yyyy-mm-ddThh:mm:ss) — validated as the service would, and turned into croner patterns for the local runner.
// croner is required on first use (shared/on-demand.ts): only cron() and at() expressions need it.
import type { Cron } from 'croner';
import type { FieldError } from '../errors';
import { requireOnDemand } from '../on-demand';

/** A paused croner job for `pattern` (a cron pattern or an ISO date and time), to check it or read its next runs. */
function pausedJob(pattern: string, timezone: string): Cron {
  const { Cron } = requireOnDemand<typeof import('croner')>('croner');
  return new Cron(pattern, { timezone, paused: true });
}

export type ParsedExpression =
  | { kind: 'cron'; pattern: string }
  | { kind: 'rate'; everyMs: number }
  | { kind: 'at'; at: string };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseExpression(expression: string, timezone: string): ParsedExpression | FieldError {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) return { path: 'expression', message: 'a rate must be at least 1' };
    if ((value === 1) !== !unit.endsWith('s')) {
      return {
        path: 'expression',
        message: `write rate(${value} ${value === 1 ? unit.replace(/s$/, '') : `${unit.replace(/s$/, '')}s`})`,
      };
    }
    return { kind: 'rate', everyMs: value * UNITS[unit.replace(/s$/, '')]! };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    if (Number.isNaN(Date.parse(`${at[1]}Z`)))
      return { path: 'expression', message: 'at() needs a valid date and time' };
    return { kind: 'at', at: at[1]! };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron)
    return {
      path: 'expression',
      message: 'must be cron(...), rate(...) or at(...), as EventBridge Scheduler writes them',
    };
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6)
    return {
      path: 'expression',
      message: 'cron() takes 6 fields: minutes hours day-of-month month day-of-week year',
    };
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    return { path: 'expression', message: 'cron() needs ? in exactly one of day-of-month and day-of-week' };
  }
  if (year !== '*')
    return { path: 'expression', message: 'cron() year restrictions are not supported; use *' };
  // Scheduler numbers weekdays 1-7 from Sunday; croner 0-6.
  const weekday = dow === '?' ? '*' : dow.replace(/\d/g, (d) => String(Number(d) - 1));
  const pattern = [minute, hour, dom === '?' ? '*' : dom, month, weekday].join(' ');
  try {
    pausedJob(pattern, timezone).stop();
  } catch (error) {
    return { path: 'expression', message: `invalid cron(): ${(error as Error).message}` };
  }
  return { kind: 'cron', pattern };
}

export function isTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The next times a schedule fires after `now`, as the service computes them (rates count from `origin`). */
export function nextFireTimes(
  parsed: ParsedExpression,
  timezone: string,
  origin: Date,
  now: Date,
  count: number,
): string[] {
  if (parsed.kind === 'rate') {
    const first =
      origin.getTime() + Math.ceil((now.getTime() - origin.getTime() + 1) / parsed.everyMs) * parsed.everyMs;
    return Array.from({ length: count }, (_, i) => new Date(first + i * parsed.everyMs).toISOString());
  }
  const job = pausedJob(parsed.kind === 'cron' ? parsed.pattern : parsed.at, timezone);
  try {
    return job.nextRuns(count, now).map((at) => at.toISOString());
  } finally {
    job.stop();
  }
}
