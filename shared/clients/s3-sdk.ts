// What the platform uses of S3's SDK. Imported only by s3.ts's dynamic import, never statically: the deployed
// bundles split there, so the S3 client (~170 KB with its middleware) is a chunk of its own that a function loads
// when a request first reaches S3, not at every cold start (infra/stacks/bundling.ts).
export {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
