// The local S3-protocol server (s3rver), data on disk under the data folder, listening on 127.0.0.1 only. Its
// object events stand in for S3 event notifications. Clients reach it through a small front that refuses
// presigned requests real S3 would refuse (signature over the headers sent, expiry, checksums), since s3rver
// itself does not verify SigV4.
import { mkdirSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { LOCAL_S3_CREDENTIALS } from '../../shared/clients/s3';
import type { artifactCors } from '../console';
import { closeServer, listen } from './http-server';
import { checkPresignedRequest, s3ErrorXml } from './s3-presigned';

export interface S3EventNotification {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string } } }>;
}

export async function startS3Local(options: {
  directory: string;
  buckets: string[];
  port?: number;
  /** A bucket's CORS rules, as the CDK data stack gives them to the bucket in the cloud. */
  cors?: Record<string, typeof artifactCors>;
}) {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => {
      const cors = options.cors?.[name];
      return { name, ...(cors ? { configs: [corsXml(cors)] } : {}) };
    }),
  });
  const backend = (await server.run()) as { port: number };
  const front = createServer((req, res) => void forward(req, res, backend.port));
  const port = await listen(front, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** S3 event notifications ({ Records: [...] }) for every object created or removed, as S3 sends them. */
    onEvent: (listener: (notification: S3EventNotification) => void) => server.on('event', listener),
    stop: async () => {
      await closeServer(front);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function forward(req: IncomingMessage, res: ServerResponse, backendPort: number) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  // As S3 does, a CORS preflight is answered from the bucket's CORS rules before any signature is read.
  const refused =
    req.method === 'OPTIONS'
      ? undefined
      : checkPresignedRequest(
          { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
          (id) =>
            id === LOCAL_S3_CREDENTIALS.accessKeyId ? LOCAL_S3_CREDENTIALS.secretAccessKey : undefined,
        );
  if (refused) {
    res.writeHead(refused.status, { 'content-type': 'application/xml' }).end(s3ErrorXml(refused));
    return;
  }
  const upstream = httpRequest(
    { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  upstream.end(body);
}

function corsXml(rules: typeof artifactCors): string {
  const tags = (tag: string, values: readonly string[]) =>
    values.map((v) => `<${tag}>${v}</${tag}>`).join('');
  return `<CORSConfiguration><CORSRule>${tags('AllowedOrigin', rules.allowedOrigins)}${tags('AllowedMethod', rules.allowedMethods)}${tags('AllowedHeader', rules.allowedHeaders)}${tags('ExposeHeader', rules.exposedHeaders)}<MaxAgeSeconds>${rules.maxAgeSeconds}</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}
