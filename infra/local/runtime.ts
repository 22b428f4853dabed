// The local runtime: DynamoDB Local, the Step Functions endpoint, the demo directory and the gateway, wired
// to the same handler modules the cloud runs. `main.ts` starts it for `npm start`; tests start it too.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ApiHandlerName, componentFunctions } from '../../shared/api/routes';
import { AUDIT_BATCHING_WINDOW_SECONDS } from '../../shared/audit/archive';
import { LOCAL_REGION, loadConfig } from '../../shared/config';
import { ACCOUNT_SORT_KEY } from '../../shared/data/keys';
import { createDeps } from '../../shared/deps';
import { SWEEP_MARGIN_SECONDS, type SweepRequest } from '../../shared/executions/sweep-executions';
import { handlerModule } from '../../shared/steps/registry';
import { artifactCors, type ConsoleRuntimeConfig, ensureConsoleBuilt } from '../console';
import { ensureTable } from './bootstrap';
import { consoleHandler } from './console-server';
import { startDemoDirectory } from './demo-directory';
import { startDynamoDbLocal } from './dynamodb-local';
import { startStreamPoller } from './dynamodb-streams';
import { createGateway } from './gateway';
import { closeServer, listen } from './http-server';
import { invokeAs } from './lambda-context';
import { startLambdaLocal } from './lambda-local';
import { startLocalQueue } from './queue';
import { startS3Local } from './s3-local';
import { startSchedulerLocal } from './scheduler-local';
import { type SeedResult, seedDemo } from './seed';
import { startStepFunctionsLocal } from './step-functions-local';

export interface RuntimeOptions {
  port: number;
  dataDir: string;
  directoryPort?: number;
  /** The local gateway's authorizer cache; the API stack's TTL unless told (tests shorten it). */
  authorizerTtlSeconds?: number;
  /** The audit consumer's batching window; the triggers stack's unless told (tests shorten it). */
  auditBatchingWindowSeconds?: number;
}

export interface Runtime {
  baseUrl: string;
  keys: SeedResult;
  dataDir: string;
  pids: number[];
  /** Billed state transitions of an execution run by the local Step Functions endpoint. */
  transitions: (executionArn: string) => number | undefined;
  idle: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Written while the runtime is up: the environment handlers need to reach its emulators. */
export const ENDPOINTS_FILE = 'endpoints.json';
const HANDLER_ENVIRONMENT = [
  'RECIPEFLOW_RUNTIME',
  'DYNAMODB_ENDPOINT',
  'S3_ENDPOINT',
  'SFN_ENDPOINT',
  'LAMBDA_ENDPOINT',
  'TABLE_NAME',
  'COMPONENT_ARN_PREFIX',
  'CREDENTIALS_KEY_FILE',
  'STATE_MACHINE_LOG_GROUP_ARN',
  'SCHEDULER_ENDPOINT',
  'SCHEDULE_GROUP',
  'SCHEDULE_TARGET_ARN',
  'SCHEDULER_ROLE_ARN',
];

export const COMPONENT_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:recipeflow-';
const SCHEDULE_TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:recipeflow-schedule';

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dataDir = path.resolve(options.dataDir);
  // Runs recorded before this moment were started by an earlier process: the start sweep checks them all.
  const startedAt = new Date();
  mkdirSync(dataDir, { recursive: true });
  const demoFile = path.join(dataDir, 'demo.json');
  // The keys are kept apart from demo.json so demo.json can exist exactly while the runtime is ready.
  const keysFile = path.join(dataDir, 'demo-keys.json');
  const previous = readPreviousKeys(keysFile) ?? readPreviousKeys(demoFile);
  rmSync(demoFile, { force: true });

  const stops: Array<() => Promise<void>> = [];
  const endpointsFile = path.join(dataDir, ENDPOINTS_FILE);
  const stop = async () => {
    rmSync(demoFile, { force: true }); // no longer ready
    rmSync(endpointsFile, { force: true });
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    const dynamo = await startDynamoDbLocal({
      dbPath: path.join(dataDir, 'dynamodb'),
      region: process.env.AWS_REGION || LOCAL_REGION,
      pidFile: path.join(dataDir, 'dynamodb.pid'),
    });
    stops.push(dynamo.stop);
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.TABLE_NAME ??= 'recipeflow';
    const { s3, sfn, scheduler, lambda } = await startEmulators(dataDir);
    stops.push(s3.stop, sfn.stop, scheduler.stop, lambda.stop);

    const config = loadConfig();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: config.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, config.TABLE_NAME);
    // The table stream's two consumers, as in the cloud: the audit chain, and the admitter. Each reads the
    // stream on its own, from its own checkpoints.
    const consumer = (
      name: 'table-stream' | 'admission',
      checkpoints: string,
      { filter, batchingWindowMs }: { filter?: (r: _Record) => boolean; batchingWindowMs?: number } = {},
    ) =>
      startStreamPoller({
        dynamo: client,
        endpoint: dynamo.endpoint,
        tableName: config.TABLE_NAME,
        checkpointFile: path.join(dataDir, checkpoints),
        functionName: `recipeflow-${name}`,
        filter,
        batchingWindowMs,
        handler: () => loadTrigger(name),
        onInvoke: (ms) => invocations.push({ name, ms }),
      });
    const streams = await consumer('table-stream', 'stream-checkpoints.json', {
      batchingWindowMs: (options.auditBatchingWindowSeconds ?? AUDIT_BATCHING_WINDOW_SECONDS) * 1000,
    });
    // As the cloud mapping's filter criteria: account items whose `queued` count is there and not 0.
    const admitter = await consumer('admission', 'admission-checkpoints.json', {
      filter: (record) =>
        record.dynamodb?.Keys?.SK?.S === ACCOUNT_SORT_KEY &&
        (record.dynamodb?.NewImage?.queued?.N ?? '0') !== '0',
    });
    stops.push(async () => {
      await admitter.stop();
      await streams.stop();
      client.destroy();
    });

    const directory = await startDemoDirectory(options.directoryPort ?? 0);
    stops.push(() => closeServer(directory.server));
    const deps = createDeps(config);
    const keys = await seedDemo(deps, directory.url, previous);
    // As the cloud's scheduled sweep does, with the same handler: settle every run the records say is
    // unfinished and the engine does not have (a run accepted just before a crash); then every 10 minutes.
    await sweepUnfinished({ createdBefore: startedAt.toISOString() });
    const sweeps = setInterval(() => void sweepUnfinished({}), SWEEP_MARGIN_SECONDS * 1000).unref();
    stops.push(async () => clearInterval(sweeps));
    // As the artifact bucket's event notifications do in the cloud: created objects go to the uploads queue.
    const uploads = startLocalQueue({
      name: 'recipeflow-uploads',
      handler: deliverUploads,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 5,
      file: path.join(dataDir, 'uploads-queue.json'),
      deliverTwice: process.env.LOCAL_QUEUE_DELIVER_TWICE === 'true',
      log: console.error,
    });
    stops.push(uploads.stop);
    s3.onEvent((notification) => {
      const created = notification.Records.filter(
        (record) =>
          record.eventName.startsWith('ObjectCreated:') && record.s3.bucket.name === config.ARTIFACT_BUCKET,
      );
      if (created.length > 0) uploads.send(JSON.stringify(notification));
    });

    // The web console at `/`, built from web/ when its sources changed, calling the API on this origin.
    const consoleDir = ensureConsoleBuilt();
    const oidc = consoleOidc();
    const serveConsole = consoleHandler({
      dir: consoleDir,
      config: () => ({ apiUrl: '', ...(oidc ? { oidc } : {}) }),
      connectTo: () => [s3.endpoint, ...(oidc ? [new URL(oidc.issuer).origin] : [])],
    });
    const gateway = createGateway(loadApiHandler, loadAuthorizer, {
      serveConsole,
      authorizerTtlSeconds: options.authorizerTtlSeconds,
    });
    const port = await listen(gateway, options.port);
    stops.push(() => closeServer(gateway));
    const baseUrl = `http://127.0.0.1:${port}`;
    writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
    // For `npm run invoke`: the environment a handler needs to reach this runtime's emulators.
    writeFileSync(
      endpointsFile,
      JSON.stringify(Object.fromEntries(HANDLER_ENVIRONMENT.map((name) => [name, process.env[name]]))),
      { mode: 0o600 },
    );
    writeFileSync(demoFile, `${JSON.stringify({ baseUrl, ...keys }, null, 2)}\n`, { mode: 0o600 });
    return {
      baseUrl,
      keys,
      dataDir,
      get pids() {
        return [dynamo.pid];
      },
      transitions: sfn.transitions,
      idle: sfn.idle,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** Sign-in through an OIDC issuer, offered when the API accepts its tokens (JWT_ISSUER) and a client is named. */
function consoleOidc(): ConsoleRuntimeConfig['oidc'] {
  const issuer = process.env.JWT_ISSUER;
  const clientId = process.env.OIDC_CLIENT_ID;
  if (!issuer || !clientId) return undefined;
  return { issuer, clientId, ...(process.env.OIDC_SCOPE ? { scope: process.env.OIDC_SCOPE } : {}) };
}

async function loadApiHandler(name: ApiHandlerName) {
  return ((await import(`../../functions/api/${name}.ts`)) as { handler: Handler }).handler as never;
}

/** As the EventBridge rule does in the cloud: Standard runs' status changes go to the reconciling handler. */
export async function deliverStatusChange(event: Record<string, unknown>): Promise<void> {
  const module = '../../functions/triggers/execution-status.ts';
  const { handler } = (await import(module)) as { handler: Handler };
  await invokeAs('recipeflow-execution-status', handler, event);
}

async function sweepUnfinished(sweep: SweepRequest['sweep']): Promise<void> {
  await deliverStatusChange({ sweep }).catch((error: Error) =>
    console.error(
      JSON.stringify({
        level: 'error',
        message: 'the sweep of unfinished runs failed',
        errorType: error.name,
      }),
    ),
  );
}

/** As the log group's subscription filter does in the cloud: an execution error line, gzipped, to the same handler. */
async function deliverExecutionLog(line: Record<string, unknown>): Promise<void> {
  const data = {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: LOCAL_LOG_GROUP,
    logStream: `states/recipeflow/${new Date().toISOString().slice(0, 10)}`,
    subscriptionFilters: ['RunsEndedWithoutFinalize'],
    logEvents: [{ id: String(Date.now()), timestamp: Date.now(), message: JSON.stringify(line) }],
  };
  await deliverStatusChange({ awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } });
}

const LOCAL_LOG_GROUP = '/aws/vendedlogs/states/recipeflow';

/**
 * The S3 server and the Step Functions endpoint (its Tasks resolving to the component handlers), with the
 * process environment pointed at them; shared by the runtime and the integration tests.
 */
export async function startEmulators(dataDir: string) {
  // The emulators are the local runtime, whatever the environment said.
  process.env.RECIPEFLOW_RUNTIME = 'local';
  process.env.COMPONENT_ARN_PREFIX = COMPONENT_PREFIX;
  // Recipe state machines log execution errors, as in the cloud, so Express runs are settled from the log.
  process.env.STATE_MACHINE_LOG_GROUP_ARN ??= `arn:aws:logs:us-east-1:000000000000:log-group:${LOCAL_LOG_GROUP}:*`;
  process.env.CREDENTIALS_KEY_FILE ??= path.join(dataDir, 'credentials.key');
  const artifactBucket = process.env.ARTIFACT_BUCKET ?? 'recipeflow-artifacts';
  const s3 = await startS3Local({
    directory: path.join(dataDir, 's3'),
    buckets: [process.env.AUDIT_BUCKET ?? 'recipeflow-audit', artifactBucket],
    cors: { [artifactBucket]: artifactCors },
  });
  process.env.S3_ENDPOINT = s3.endpoint;
  const sfn = await startStepFunctionsLocal({
    dataDir,
    region: 'us-east-1',
    invoke: invokeComponent,
    s3Endpoint: s3.endpoint,
    onStatusChange: deliverStatusChange,
    onExecutionLog: deliverExecutionLog,
  });
  process.env.SFN_ENDPOINT = sfn.endpoint;
  // Lambda's Invoke API, for the API function that tries a step on its own (POST /v1/steps/test).
  const lambda = await startLambdaLocal(invokeComponent);
  process.env.LAMBDA_ENDPOINT = lambda.endpoint;
  // EventBridge Scheduler: the API arms schedules here and due ones invoke the schedule handler.
  const scheduler = await startSchedulerLocal({
    file: path.join(dataDir, 'schedules.json'),
    groups: ['recipeflow'],
    fire: async (targetArn, input) => {
      if (targetArn !== SCHEDULE_TARGET) throw new Error(`Function not found: ${targetArn}`);
      await deliverScheduled(input as Record<string, unknown>);
    },
  });
  Object.assign(process.env, {
    SCHEDULER_ENDPOINT: scheduler.endpoint,
    SCHEDULE_GROUP: 'recipeflow',
    SCHEDULE_TARGET_ARN: SCHEDULE_TARGET,
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/recipeflow-scheduler',
  });
  return { s3, sfn, scheduler, lambda };
}

/** As EventBridge Scheduler does in the cloud: each due schedule invokes the schedule handler. */
async function deliverScheduled(event: Record<string, unknown>): Promise<void> {
  const module = '../../functions/triggers/schedule.ts';
  const { handler } = (await import(module)) as { handler: Handler };
  await invokeAs('recipeflow-schedule', handler, event);
}

/** As the SQS event source mapping does in the cloud: uploads queue batches go to the upload trigger. */
async function deliverUploads(event: SQSEvent): Promise<SQSBatchResponse | undefined> {
  const module = '../../functions/triggers/upload.ts';
  const { handler } = (await import(module)) as { handler: Handler };
  return (await invokeAs('recipeflow-upload', handler, event)) as SQSBatchResponse | undefined;
}

/** A table-stream consumer's handler module, loaded on first use. */
async function loadTrigger(name: 'table-stream' | 'admission') {
  const module = `../../functions/triggers/${name}.ts`;
  return ((await import(module)) as { handler: Handler }).handler as never;
}

async function loadAuthorizer() {
  const module = '../../functions/authorizer/authorizer.ts';
  return ((await import(module)) as { handler: Handler }).handler as never;
}

/** Resolves a Task's FunctionName to the component handler module, as Lambda would. */
export async function invokeComponent(functionName: string, payload: unknown): Promise<unknown> {
  const name = functionName.startsWith(COMPONENT_PREFIX) ? functionName.slice(COMPONENT_PREFIX.length) : '';
  if (!(componentFunctions as readonly string[]).includes(name)) {
    throw Object.assign(new Error(`Function not found: ${functionName}`), {
      name: 'Lambda.ResourceNotFoundException',
    });
  }
  const entry = path.join(import.meta.dirname, '../..', handlerModule(`components/${name}`));
  const module = (await import(entry)) as { handler: Handler };
  const started = performance.now();
  try {
    return await invokeAs(`recipeflow-${name}`, module.handler, payload);
  } finally {
    invocations.push({ name, ms: performance.now() - started });
  }
}

/** Every component and table-stream invocation with its duration, as Lambda would bill it (read by the cost
 * benchmark). */
export const invocations: Array<{ name: string; ms: number }> = [];

function readPreviousKeys(file: string): Partial<SeedResult> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<SeedResult>;
  } catch {
    return undefined;
  }
}
