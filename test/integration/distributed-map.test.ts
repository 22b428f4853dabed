// The local Step Functions endpoint runs a Distributed Map as the service does, tried with the Map state the
// compiler emits for a map over an artifact (the ASL a saved recipe and the CDK stacks deploy): items read from
// the local S3 server, batches, MaxConcurrency, the tolerated failures over items, and ResultWriter's manifest
// and results files. The items' function is the one thing stubbed: it stands for a Lambda the map invokes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Local } from '../../infra/local/s3-local';
import { type StepFunctionsLocal, startStepFunctionsLocal } from '../../infra/local/step-functions-local';
import { LOCAL_S3_CREDENTIALS } from '../../shared/clients/s3';
import { compileRecipe } from '../../shared/recipes/recipe-compiler';
import { validateRecipe } from '../../shared/recipes/recipe-validation';
import { until } from '../support/until';

const BUCKET = 'items';
const role = 'arn:aws:iam::000000000000:role/recipeflow-state-machine';
let dir: string;
let s3Local: Awaited<ReturnType<typeof startS3Local>>;
let sfnLocal: StepFunctionsLocal;
let sfn: SFNClient;
let s3: S3Client;
/** What the stubbed items function saw, and how many batches ran at once at most. */
const calls: Array<{ items: Array<{ index: number; value: Record<string, string> }>; state: unknown }> = [];
let running = 0;
let mostAtOnce = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-dmap-'));
  s3Local = await startS3Local({ directory: path.join(dir, 's3'), buckets: [BUCKET] });
  sfnLocal = await startStepFunctionsLocal({
    dataDir: dir,
    region: 'us-east-1',
    s3Endpoint: s3Local.endpoint,
    invoke: async (_name, payload) => {
      const event = payload as {
        items: Array<{ index: number; value: Record<string, string> }>;
        state: unknown;
      };
      calls.push(event);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      if (event.items.some((item) => item.value.name === 'crash')) {
        const error = new Error('the function crashed');
        error.name = 'Error';
        throw error;
      }
      return { results: event.items.map((item) => ({ index: item.index, output: item.value.name })) };
    },
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: sfnLocal.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: s3Local.endpoint,
    credentials: LOCAL_S3_CREDENTIALS,
    forcePathStyle: true,
  });
});
afterAll(async () => {
  await sfnLocal.stop();
  await s3Local.stop();
  sfn.destroy();
  s3.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The compiler's Distributed Map for a CSV file, behind a Pass that puts the file where prepare would. */
function machine(map: Record<string, unknown>) {
  const recipe = validateRecipe({
    name: 'rows',
    steps: [
      {
        id: 'each',
        type: 'map',
        items: '{{input.artifact}}',
        maxItems: 100,
        steps: [{ id: 'shape', type: 'transform', source: '{{item}}', ops: [] }],
        ...map,
      },
    ],
  });
  const asl = compileRecipe(recipe, {
    componentArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  });
  const { Catch: _, ...mapState } = asl.States.Map_each_csv as Record<string, unknown>;
  return {
    StartAt: 'Source',
    States: {
      Source: {
        Type: 'Pass',
        Result: { bucket: BUCKET, key: 'rows.csv', format: 'csv', resultPrefix: 'results/run-1' },
        ResultPath: '$.steps.each.source',
        Next: 'Map_each_csv',
      },
      Map_each_csv: {
        ...mapState,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Caught' }],
        End: undefined,
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
      Caught: { Type: 'Pass', OutputPath: '$.failure', End: true },
    },
  };
}

async function run(name: string, definition: unknown, csv: string) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rows.csv', Body: csv }));
  const created = await sfn.send(
    new CreateStateMachineCommand({ name, roleArn: role, definition: JSON.stringify(definition) }),
  );
  const input = {
    input: { n: 1 },
    steps: {},
    settings: {},
    execution: { id: 'exe_1' },
    run: { tenantId: 't' },
  };
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: JSON.stringify(input) }),
  );
  const done = await until(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    (e) => e.status !== 'RUNNING',
    400,
  );
  return JSON.parse(done.output ?? 'null');
}

async function readJson(key: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

const rows = (names: string[]) =>
  `name,note\n${names.map((n, i) => `${n},"row ${i}, ""quoted"""`).join('\n')}\n`;

describe('a Distributed Map on the local Step Functions endpoint', () => {
  it('reads the CSV from S3, batches it, keeps to MaxConcurrency and writes the results with a manifest', async () => {
    calls.length = 0;
    mostAtOnce = 0;
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const output = await run('dmap-ok', machine({ batchSize: 3, maxConcurrency: 2 }), rows(names));
    expect(calls.map((call) => call.items.length).sort()).toEqual([1, 3, 3, 3]);
    expect(mostAtOnce).toBeLessThanOrEqual(2);
    expect(calls.find((call) => call.items[0]!.index === 0)!.items[0]).toEqual({
      index: 0,
      value: { name: 'n0', note: 'row 0, "quoted"' },
    });
    // BatchInput: the run's state beside the items.
    expect(calls[0]!.state).toMatchObject({
      input: { n: 1 },
      execution: { id: 'exe_1' },
      run: { tenantId: 't' },
    });
    const { MapRunArn, ResultWriterDetails } = output.steps.each.mapRun;
    expect(MapRunArn).toMatch(/^arn:aws:states:us-east-1:000000000000:mapRun:dmap-ok\/Map_each_csv:/);
    expect(ResultWriterDetails).toMatchObject({
      Bucket: BUCKET,
      Key: expect.stringMatching(/^results\/run-1\/.+\/manifest\.json$/),
    });
    const manifest = await readJson(ResultWriterDetails.Key);
    expect(manifest).toMatchObject({
      DestinationBucket: BUCKET,
      MapRunArn,
      ResultFiles: { FAILED: [], PENDING: [] },
    });
    const succeeded = await readJson(manifest.ResultFiles.SUCCEEDED[0].Key);
    expect(succeeded).toHaveLength(4);
    expect(succeeded[0]).toMatchObject({
      Status: 'SUCCEEDED',
      ExecutionArn: expect.stringContaining(':express:'),
    });
    const outputs = succeeded.flatMap((child: { Output: string }) => JSON.parse(child.Output).results);
    expect(outputs.map((r: { index: number }) => r.index).sort((a: number, b: number) => a - b)).toEqual(
      names.map((_, i) => i),
    );
  });

  it('tolerates failed batches up to the percentage, counting every item of a failed batch', async () => {
    const names = ['a', 'b', 'crash', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    // 3 of 10 items fail (their batch crashed): 30%.
    const tolerant = await run(
      'dmap-tolerant',
      machine({ batchSize: 3, toleratedFailurePercent: 30 }),
      rows(names),
    );
    const manifest = await readJson(tolerant.steps.each.mapRun.ResultWriterDetails.Key);
    const failed = await readJson(manifest.ResultFiles.FAILED[0].Key);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ Status: 'FAILED', Error: 'Error' });
    expect(JSON.parse(failed[0].Input).Items.map((i: { index: number }) => i.index)).toEqual([0, 1, 2]);

    const strict = await run(
      'dmap-strict',
      machine({ batchSize: 3, toleratedFailurePercent: 29 }),
      rows(names),
    );
    expect(strict).toMatchObject({ Error: 'States.ExceedsToleratedFailureThreshold' });
    const counted = await run('dmap-count', machine({ batchSize: 3, toleratedFailureCount: 3 }), rows(names));
    expect(counted.steps.each.mapRun.MapRunArn).toBeDefined();
  });

  it('fails the state when the file cannot be read as its input type', async () => {
    const definition = machine({});
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rows.json', Body: '{"not":"an array"}' }));
    const source = definition.States.Source as { Result: Record<string, string> };
    source.Result.key = 'rows.json';
    const map = definition.States.Map_each_csv as unknown as { ItemReader: { ReaderConfig: unknown } };
    map.ItemReader.ReaderConfig = { InputType: 'JSON' };
    expect(await run('dmap-unreadable', definition, 'unused')).toMatchObject({
      Error: 'States.ItemReaderFailed',
    });
  });
});
