// Builds the process's DynamoDB client once from config; handlers, the local runtime and tests pass a Deps
// around. The other AWS clients are built on first use by their own modules (clients/s3.ts, clients/sfn.ts,
// credentials/sealer.ts), so a function bundles only the clients its code calls.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientSettings, type Config, loadConfig } from './config';
import type { SecretSealer } from './credentials/sealer';
import { recordCalls } from './observability/call-recorder';

export interface Deps {
  config: Config;
  db: DynamoDBDocumentClient;
  now: () => Date;
  /** Read through sfnOf: set here only to give it another client (a test's other engine). */
  sfn?: SFNClient;
  /** Read through s3Of. */
  s3?: S3Client;
  /** Read through sealerOf. */
  sealer?: SecretSealer;
}

export function createDeps(config: Config = loadConfig()): Deps {
  const dynamo = new DynamoDBClient(awsClientSettings(config, config.DYNAMODB_ENDPOINT));
  return {
    config,
    db: DynamoDBDocumentClient.from(recordCalls(dynamo), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    now: () => new Date(),
  };
}

let processDeps: Deps | undefined;

/** The per-process Deps used by Lambda handlers (created on first use, after config is in the environment). */
export function getDeps(): Deps {
  processDeps ??= createDeps();
  return processDeps;
}
