// Starts what the suites share: one in-memory DynamoDB Local for integration tests, and the local runtime
// (`npm start`'s entry point, as a child process on a free port and a temp data folder) for e2e tests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { startRuntimeProcess, stopProcess } from './support/runtime-process';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    demo: { baseUrl: string; apiKey: string; platformAdminKey: string; dataDir: string };
    jwt: { secret: string; issuer: string };
  }
}

export default async function setup(project: TestProject) {
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
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
