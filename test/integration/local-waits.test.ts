// Wait states on the local Step Functions endpoint last as long as they say, as on the service: beyond Node's
// 2^31−1 ms timer limit (a year, or a timestamp years ahead), from paths after InputPath, inside a Map, and
// across a restart (the wake time is kept, not started again).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TASK_TIMEOUT } from '../../infra/local/lambda-emulation';
import { type StepFunctionsLocal, startStepFunctionsLocal } from '../../infra/local/step-functions-local';
import { withLocalWaits } from '../../infra/local/wait-states';
import { until } from '../support/until';

const role = 'arn:aws:iam::000000000000:role/recipeflow-state-machine';
let dir: string;
let sfnLocal: StepFunctionsLocal;
let sfn: SFNClient;

async function startEndpoint() {
  sfnLocal = await startStepFunctionsLocal({ dataDir: dir, region: 'us-east-1', invoke: async () => ({}) });
  sfn?.destroy();
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: sfnLocal.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-waits-'));
  await startEndpoint();
});
afterAll(async () => {
  await sfnLocal.stop();
  sfn.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, states: Record<string, unknown>, input: unknown = {}) {
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name,
      roleArn: role,
      definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    }),
  );
  const run = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify(input) }),
  );
  return run.executionArn!;
}

const describeRun = (executionArn: string) => sfn.send(new DescribeExecutionCommand({ executionArn }));

describe('local Wait states', () => {
  it('never gives a Wait the 60-second timeout the interpreter gives a Task without one', () => {
    const states = withLocalWaits({ Long: { Type: 'Wait', Seconds: 120, End: true } });
    expect(states.Long).toMatchObject({ Type: 'Task', TimeoutSeconds: SERVICE_TASK_TIMEOUT });
  });

  it('keeps waiting for a year, and for a timestamp decades ahead', async () => {
    const year = await start('wait-a-year', { Long: { Type: 'Wait', Seconds: 31_536_000, End: true } });
    const far = await start(
      'wait-until',
      { Until: { Type: 'Wait', TimestampPath: '$.at', End: true } },
      { at: '2099-01-01T00:00:00Z' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await describeRun(year)).status).toBe('RUNNING');
    expect((await describeRun(far)).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: far }));
    expect((await describeRun(far)).status).toBe('ABORTED');
  });

  it('reads SecondsPath after InputPath, applies OutputPath, and ends past timestamps at once', async () => {
    const arn = await start(
      'wait-paths',
      {
        Short: { Type: 'Wait', InputPath: '$.a', SecondsPath: '$.s', OutputPath: '$.v', Next: 'Past' },
        Past: { Type: 'Wait', Timestamp: '2001-01-01T00:00:00Z', Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Pause',
            States: { Pause: { Type: 'Wait', Seconds: 1, End: true } },
          },
          End: true,
        },
      },
      { a: { s: 1, v: { items: [1, 2] } } },
    );
    const started = Date.now();
    const run = await until(
      () => describeRun(arn),
      (r) => r.status !== 'RUNNING',
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output!)).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('fails a SecondsPath that is not a non-negative integer', async () => {
    const arn = await start(
      'wait-bad-seconds',
      { Bad: { Type: 'Wait', SecondsPath: '$.s', End: true } },
      { s: -5 },
    );
    const run = await until(
      () => describeRun(arn),
      (r) => r.status !== 'RUNNING',
    );
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('keeps the wake time of a waiting run across a restart', async () => {
    const arn = await start('wait-restart', { Long: { Type: 'Wait', Seconds: 31_536_000, End: true } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sfnLocal.stop();
    const pending = JSON.parse(
      readFileSync(path.join(dir, 'step-functions', 'running-executions.json'), 'utf8'),
    ) as Array<{ arn: string; resumeAt?: { state: string; wakeAt?: number } }>;
    const entry = pending.find((e) => e.arn === arn);
    expect(entry?.resumeAt?.state).toBe('Long');
    const wakeAt = entry!.resumeAt!.wakeAt!;
    expect(wakeAt).toBeGreaterThan(Date.now() + 31_535_000_000);

    await startEndpoint();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await describeRun(arn)).status).toBe('RUNNING');
    await sfnLocal.stop();
    const again = JSON.parse(
      readFileSync(path.join(dir, 'step-functions', 'running-executions.json'), 'utf8'),
    ) as Array<{ arn: string; resumeAt?: { wakeAt?: number } }>;
    expect(again.find((e) => e.arn === arn)?.resumeAt?.wakeAt).toBe(wakeAt);
    await startEndpoint();
  });
});
