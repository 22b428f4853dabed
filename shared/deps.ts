// Builds the process's clients once from config; handlers, the local runtime and tests pass a Deps around.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientSettings, type Config, loadConfig } from './config';
import { kmsSealer, localKeySealer, type SecretSealer } from './credentials/sealer';
import { recordCalls } from './observability/call-recorder';

export interface Deps {
  config: Config;
  db: DynamoDBDocumentClient;
  sfn: SFNClient;
  s3: S3Client;
  sealer: SecretSealer;
  now: () => Date;
}

/** s3rver, the local S3 server, accepts its own well-known key pair only. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function createDeps(config: Config = loadConfig()): Deps {
  const dynamo = new DynamoDBClient(awsClientSettings(config, config.DYNAMODB_ENDPOINT));
  const sfn = new SFNClient(awsClientSettings(config, config.SFN_ENDPOINT));
  const s3 = new S3Client({
    region: config.AWS_REGION,
    // Since SDK 3.729 the client signs a CRC32 of the body it sees into every request, presigned PUTs
    // included: there it is the CRC32 of an empty body, and real S3 refuses every non-empty upload (BadDigest).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.S3_ENDPOINT
      ? {
          endpoint: config.S3_ENDPOINT,
          credentials: LOCAL_S3_CREDENTIALS,
          forcePathStyle: true,
        }
      : {}),
  });
  return {
    config,
    sealer: createSealer(config),
    db: DynamoDBDocumentClient.from(recordCalls(dynamo), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sfn: recordCalls(sfn),
    s3: recordCalls(s3),
    now: () => new Date(),
  };
}

function createSealer(config: Config): SecretSealer {
  if (config.CREDENTIALS_KMS_KEY_ID)
    return kmsSealer(
      recordCalls(new KMSClient({ region: config.AWS_REGION })),
      config.CREDENTIALS_KMS_KEY_ID,
    );
  if (config.CREDENTIALS_KEY_FILE) return localKeySealer(config.CREDENTIALS_KEY_FILE);
  const unavailable = async (): Promise<never> => {
    throw new Error('no credentials key is configured (CREDENTIALS_KMS_KEY_ID or CREDENTIALS_KEY_FILE)');
  };
  return { seal: unavailable, open: unavailable };
}

let processDeps: Deps | undefined;

/** The per-process Deps used by Lambda handlers (created on first use, after config is in the environment). */
export function getDeps(): Deps {
  processDeps ??= createDeps();
  return processDeps;
}
