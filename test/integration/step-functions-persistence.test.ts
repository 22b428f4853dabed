// The local Step Functions endpoint answers a StartExecution only once the run is in its running-executions
// file, as the service answers once the execution is recorded: starts that arrive together share a write, and
// none is acknowledged before a write that holds it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepFunctionsLocal, startStepFunctionsLocal } from '../../infra/local/step-functions-local';

let dir: string;
let sfnLocal: StepFunctionsLocal;
let sfn: SFNClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-sfn-persist-'));
  sfnLocal = await startStepFunctionsLocal({ dataDir: dir, region: 'us-east-1', invoke: async () => ({}) });
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
        roleArn: 'arn:aws:iam::000000000000:role/recipeflow-state-machine',
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
    expect(pending()).toHaveLength(41);
  });
});
