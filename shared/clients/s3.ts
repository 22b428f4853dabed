// The S3 client, built on first use from the Deps' config (only functions whose code reaches S3 bundle it).
import { S3Client } from '@aws-sdk/client-s3';
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';

/** s3rver, the local S3 server, accepts its own well-known key pair only. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function s3Of(deps: Deps): S3Client {
  const { config } = deps;
  deps.s3 ??= recordCalls(
    new S3Client({
      region: config.AWS_REGION,
      // Since SDK 3.729 the client signs a CRC32 of the body it sees into every request, presigned PUTs
      // included: there it is the CRC32 of an empty body, and real S3 refuses every non-empty upload (BadDigest).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(config.S3_ENDPOINT
        ? { endpoint: config.S3_ENDPOINT, credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true }
        : {}),
    }),
  );
  return deps.s3;
}
