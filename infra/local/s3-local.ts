// The local S3-protocol server (s3rver), data on disk under the data folder, listening on 127.0.0.1 only. Its
// object events stand in for S3 event notifications.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface S3EventNotification {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string } } }>;
}

export async function startS3Local(options: { directory: string; buckets: string[]; port?: number }) {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const address = (await server.run()) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    /** S3 event notifications ({ Records: [...] }) for every object created or removed, as S3 sends them. */
    onEvent: (listener: (notification: S3EventNotification) => void) => server.on('event', listener),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
