// The S3 client and its commands, loaded on first use (s3-sdk.ts) and built from the Deps' config: most requests
// of most functions never reach S3 (payloads travel by reference only when large), so they do not pay for its
// SDK at start-up.
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';

/** s3rver, the local S3 server, accepts its own well-known key pair only. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export type S3Sdk = typeof import('./s3-sdk');

/** The process's S3 client (`client`) beside the SDK's commands and presigner. */
export async function s3Of(deps: Deps): Promise<S3Sdk & { client: NonNullable<Deps['s3']> }> {
  const sdk = await import('./s3-sdk');
  const { config } = deps;
  deps.s3 ??= recordCalls(
    new sdk.S3Client({
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
  return { ...sdk, client: deps.s3 };
}
