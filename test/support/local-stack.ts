// In-process local stack for integration tests: a fresh table on the shared DynamoDB Local and the local
// Step Functions endpoint whose Task states call the real component handlers.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../infra/local/bootstrap';
import { closeServer, listen } from '../../infra/local/http-server';
import { startEmulators } from '../../infra/local/runtime';
import { loadConfig } from '../../shared/config';
import { createDeps, type Deps } from '../../shared/deps';

export interface LocalStack {
  deps: Deps;
  idle: () => Promise<void>;
  transitions: (executionArn: string) => number | undefined;
  scheduler: Awaited<ReturnType<typeof startEmulators>>['scheduler'];
  stop: () => Promise<void>;
}

export async function startLocalStack(): Promise<LocalStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-it-'));
  process.env.TABLE_NAME = `it-${path.basename(dataDir)}`;
  process.env.CREDENTIALS_KEY_FILE = path.join(dataDir, 'credentials.key');
  const { s3, sfn, scheduler, lambda } = await startEmulators(dataDir);
  const config = loadConfig();
  const client = new DynamoDBClient({
    endpoint: config.DYNAMODB_ENDPOINT,
    region: config.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, config.TABLE_NAME);
  client.destroy();
  return {
    deps: createDeps(config),
    idle: sfn.idle,
    transitions: sfn.transitions,
    scheduler,
    stop: async () => {
      await sfn.idle();
      await sfn.stop();
      await s3.stop();
      await scheduler.stop();
      await lambda.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small HTTP server on 127.0.0.1 standing in for a remote API. */
export async function startFakeServer(listener: RequestListener) {
  const server = createServer(listener);
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}
