// Starts what the suites share: one in-memory DynamoDB Local for integration tests, and the local runtime
// (`npm start`'s entry point, as a child process on a free port and a temp data folder) for e2e tests.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { CALLS_FILE } from './support/call-record';
import { startRuntimeProcess, stopProcess } from './support/runtime-process';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    demo: { baseUrl: string; apiKey: string; platformAdminKey: string; dataDir: string };
    jwt: { secret: string; issuer: string };
  }
}

export default async function setup(project: TestProject) {
  // Every AWS SDK call a handler makes, in this run only (read by the IAM test).
  mkdirSync(path.dirname(CALLS_FILE), { recursive: true });
  rmSync(CALLS_FILE, { force: true });
  process.env.RECIPEFLOW_RECORD_CALLS = CALLS_FILE;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-e2e-'));
  const jwt = { secret: randomBytes(32).toString('hex'), issuer: 'https://issuer.recipeflow.test' };
  const [dynamo, runtime] = await Promise.all([
    startDynamoDbLocal({}),
    // Every upload notification is delivered twice, as SQS may: the upload tests prove one run per object.
    startRuntimeProcess(dataDir, {
      JWT_SECRET: jwt.secret,
      JWT_ISSUER: jwt.issuer,
      LOCAL_QUEUE_DELIVER_TWICE: 'true',
    }),
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('demo', { ...runtime.demo, dataDir });
  project.provide('jwt', jwt);
  return async () => {
    await stopProcess(runtime.child);
    // What the shared runtime logged, to trace a run a test saw stuck (the keys it printed left out).
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/runtime.log', runtime.output().replace(/rf_[\w-]{16,}/g, 'rf_…'));
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
