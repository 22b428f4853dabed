// Emulates EventBridge Scheduler on loopback: the CreateSchedule and DeleteSchedule calls recipeflow makes
// (REST-JSON, as @aws-sdk/client-scheduler sends them), so the API arms and disarms schedules through the
// same adapter in both places. Like the service it keeps its schedules itself (a file in the data folder,
// so they survive restarts), fires each target with its Input (`<aws.scheduler.scheduled-time>` filled in),
// and does not replay times missed while it was stopped.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Cron } from 'croner';
import { parseExpression } from '../../shared/schedules/expressions';
import { writeFileAtomic } from './atomic-file';
import { closeServer, listen } from './http-server';

export interface ArmedSchedule {
  name: string;
  group: string;
  expression: string;
  timezone: string;
  target: { Arn: string; Input?: string };
  armedAt: string;
}

type Fire = (targetArn: string, input: unknown) => Promise<void>;

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

export async function startSchedulerLocal(options: { file: string; fire: Fire; groups: string[] }) {
  const schedules = new Map<string, ArmedSchedule>(
    (existsSync(options.file) ? (JSON.parse(readFileSync(options.file, 'utf8')) as ArmedSchedule[]) : []).map(
      (s) => [`${s.group}/${s.name}`, s],
    ),
  );
  const timers = new Map<string, () => void>();
  const persist = () => writeFileAtomic(options.file, JSON.stringify([...schedules.values()], null, 1));

  const deliver = (schedule: ArmedSchedule, when: Date) => {
    const time = new Date(Math.floor(when.getTime() / 1000) * 1000).toISOString();
    const input = JSON.parse(
      (schedule.target.Input ?? '{}').replaceAll('<aws.scheduler.scheduled-time>', time),
    );
    void options
      .fire(schedule.target.Arn, input)
      .catch((error: Error) =>
        console.error(
          JSON.stringify({ level: 'error', message: 'scheduled target failed', errorType: error.name }),
        ),
      );
  };

  function arm(key: string, schedule: ArmedSchedule) {
    const parsed = parseExpression(schedule.expression, schedule.timezone);
    if ('path' in parsed) return;
    if (parsed.kind === 'rate') {
      // Ticks aligned to when the schedule was created, so a restart keeps the same cadence.
      const origin = new Date(schedule.armedAt).getTime();
      let timer: NodeJS.Timeout;
      const next = () => {
        const at = origin + Math.ceil((Date.now() - origin + 1) / parsed.everyMs) * parsed.everyMs;
        timer = setTimeout(() => {
          deliver(schedule, new Date(at));
          next();
        }, at - Date.now());
      };
      next();
      timers.set(key, () => clearTimeout(timer));
    } else {
      const pattern = parsed.kind === 'cron' ? parsed.pattern : parsed.at;
      const job = new Cron(pattern, { timezone: schedule.timezone }, (self: Cron) => {
        deliver(schedule, self.currentRun() ?? new Date());
      });
      timers.set(key, () => job.stop());
    }
  }

  function disarm(key: string) {
    timers.get(key)?.();
    timers.delete(key);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://scheduler');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match) return refuse(res, 404, 'ResourceNotFoundException', 'unsupported operation');
    const name = decodeURIComponent(match[1]!);
    if (!NAME.test(name)) return refuse(res, 400, 'ValidationException', `Invalid schedule name: ${name}`);
    if (req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      const group = String(body.GroupName ?? 'default');
      if (!options.groups.includes(group) && group !== 'default') {
        return refuse(res, 404, 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
      }
      const key = `${group}/${name}`;
      if (schedules.has(key))
        return refuse(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
      const expression = String(body.ScheduleExpression ?? '');
      const timezone = String(body.ScheduleExpressionTimezone ?? 'UTC');
      if ('path' in parseExpression(expression, timezone)) {
        return refuse(res, 400, 'ValidationException', `Invalid Schedule Expression ${expression}.`);
      }
      const target = body.Target as ArmedSchedule['target'] | undefined;
      if (!target?.Arn) return refuse(res, 400, 'ValidationException', 'Target is required.');
      const schedule = { name, group, expression, timezone, target, armedAt: new Date().toISOString() };
      schedules.set(key, schedule);
      persist();
      arm(key, schedule);
      return answer(res, { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${key}` });
    }
    if (req.method === 'DELETE') {
      const key = `${url.searchParams.get('groupName') ?? 'default'}/${name}`;
      if (!schedules.has(key))
        return refuse(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      schedules.delete(key);
      persist();
      disarm(key);
      return answer(res, {});
    }
    return refuse(res, 405, 'ValidationException', `${req.method} is not supported here`);
  };

  const server = createServer((req, res) => void handle(req, res));
  const port = await listen(server, 0);
  for (const [key, schedule] of schedules) arm(key, schedule);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** The schedules armed now (tests). */
    armed: () => [...schedules.values()],
    stop: async () => {
      for (const key of [...timers.keys()]) disarm(key);
      await closeServer(server);
    },
  };
}

function answer(res: ServerResponse, body: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ Message: message }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
