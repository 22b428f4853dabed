// The local Step Functions endpoint refuses the CreateStateMachine input the service refuses, and tells of
// runs that end without succeeding as the service does: Standard through status-change events, Express only
// through the execution log (Express workflows send no status-change events). It answers a StartExecution only
// once the run is in its running-executions file, as the service answers once the execution is recorded.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepFunctionsLocal, startStepFunctionsLocal } from '../../infra/local/step-functions-local';

const role = 'arn:aws:iam::000000000000:role/recipeflow-state-machine';
const logging = {
  level: 'ERROR' as const,
  includeExecutionData: false,
  destinations: [
    { cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:x:*' } },
  ],
};
const failing = JSON.stringify({
  StartAt: 'Boom',
  States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'no' } },
});
const waiting = JSON.stringify({
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
});

let dir: string;
let sfnLocal: StepFunctionsLocal;
let sfn: SFNClient;
const statusChanges: Array<Record<string, unknown>> = [];
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-sfn-'));
  sfnLocal = await startStepFunctionsLocal({
    dataDir: dir,
    region: 'us-east-1',
    invoke: async () => ({}),
    onStatusChange: async (event) => {
      statusChanges.push(event);
    },
    onExecutionLog: async (line) => {
      logLines.push(line);
    },
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: sfnLocal.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  await sfnLocal.stop();
  sfn.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function create(input: Partial<ConstructorParameters<typeof CreateStateMachineCommand>[0]>) {
  return sfn
    .send(new CreateStateMachineCommand({ name: 'ok', definition: failing, roleArn: role, ...input }))
    .then(
      (result) => ({ arn: result.stateMachineArn, error: undefined }),
      (error: Error) => ({ arn: undefined, error: error.name }),
    );
}

describe('CreateStateMachine on the local endpoint', () => {
  it('refuses .waitForTaskToken in an Express state machine, as the service does', async () => {
    expect((await create({ name: 'express-callback', type: 'EXPRESS', definition: waiting })).error).toBe(
      'InvalidDefinition',
    );
    expect((await create({ name: 'standard-callback', type: 'STANDARD', definition: waiting })).error).toBe(
      undefined,
    );
  });

  it('refuses names over 80 characters or with forbidden characters', async () => {
    expect((await create({ name: 'n'.repeat(81) })).error).toBe('ValidationException');
    expect((await create({ name: 'has space' })).error).toBe('InvalidName');
    expect((await create({ name: 'n'.repeat(80) })).error).toBe(undefined);
  });

  it('refuses definitions over 1 MiB', async () => {
    const big = JSON.stringify({
      Comment: 'x'.repeat(1_048_577),
      StartAt: 'Done',
      States: { Done: { Type: 'Succeed' } },
    });
    expect((await create({ name: 'big', definition: big })).error).toBe('ValidationException');
  });

  it('refuses a role that is not an IAM role ARN and logging without a destination', async () => {
    expect((await create({ name: 'no-role', roleArn: 'recipeflow' })).error).toBe('InvalidArn');
    expect((await create({ name: 'no-dest', loggingConfiguration: { level: 'ERROR' } })).error).toBe(
      'InvalidLoggingConfiguration',
    );
  });
});

describe('how the local endpoint tells of a failed run', () => {
  it('sends a status-change event for a Standard run and only a log line for an Express run', async () => {
    const standard = await create({
      name: 'fails-standard',
      type: 'STANDARD',
      loggingConfiguration: logging,
    });
    const express = await create({ name: 'fails-express', type: 'EXPRESS', loggingConfiguration: logging });
    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: standard.arn, name: 'a' }));
    const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: express.arn, name: 'b' }));
    await sfnLocal.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.executionArn).toMatch(/:execution:fails-standard:a$/);
    expect(b.executionArn).toMatch(/:express:fails-express:b:[0-9a-f-]{36}$/);
    expect(statusChanges.map((e) => (e.detail as { executionArn: string }).executionArn)).toEqual([
      a.executionArn,
    ]);
    expect(logLines).toEqual([
      expect.objectContaining({ type: 'ExecutionFailed', execution_arn: b.executionArn }),
    ]);
  });
});

const pending = () =>
  (
    JSON.parse(readFileSync(path.join(dir, 'step-functions', 'running-executions.json'), 'utf8')) as Array<{
      arn: string;
    }>
  ).map((e) => e.arn);

describe('local Step Functions persistence', () => {
  it('has every acknowledged start in its running-executions file, however many arrive at once', async () => {
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'waits-an-hour',
        roleArn: role,
        definition: JSON.stringify({
          StartAt: 'Hour',
          States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } },
        }),
      }),
    );
    for (const burst of [1, 40]) {
      const starts = Array.from({ length: burst }, (_, i) =>
        sfn
          .send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: `{"i":${i}}` }))
          // Read as each answer arrives: by then its run must already be on disk.
          .then(({ executionArn }) => ({ executionArn: executionArn!, saved: pending() })),
      );
      for (const { executionArn, saved } of await Promise.all(starts)) expect(saved).toContain(executionArn);
    }
    expect(pending().filter((arn) => arn.includes(':waits-an-hour:'))).toHaveLength(41);
  });
});
