// Starts what the suites share: one in-memory DynamoDB Local for integration tests, and the local runtime
// (`npm start`'s entry point, as a child process on a free port and a temp data folder) for e2e tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { freePort } from '../infra/local/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    demo: { baseUrl: string; apiKey: string; platformAdminKey: string; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-e2e-'));
  const [dynamo, runtime] = await Promise.all([startDynamoDbLocal({}), startRuntimeProcess(dataDir)]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('demo', { ...runtime.demo, dataDir });
  return async () => {
    await stopProcess(runtime.child);
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

async function startRuntimeProcess(dataDir: string) {
  const port = await freePort();
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['infra/local/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      RECIPEFLOW_DATA_DIR: dataDir,
      DEMO_DIRECTORY_PORT: '0',
      OPENAI_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const demoFile = path.join(dataDir, 'demo.json');
  const deadline = Date.now() + 90_000;
  while (!existsSync(demoFile)) {
    if (child.exitCode !== null) throw new Error(`the local runtime exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`the local runtime did not become ready: ${output}`);
    await sleep(100);
  }
  const demo = JSON.parse(readFileSync(demoFile, 'utf8')) as {
    baseUrl: string;
    apiKey: string;
    platformAdminKey: string;
  };
  return { child, demo };
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
