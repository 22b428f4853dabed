// The local S3-protocol server (s3rver), data on disk under the data folder, listening on 127.0.0.1 only. Its
// object events stand in for S3 event notifications. Clients reach it through a small front that refuses
// presigned requests real S3 would refuse (signature over the headers sent, expiry, checksums), since s3rver
// itself does not verify SigV4, and that orders the reads and writes of each object, since s3rver writes an
// object in place where S3 replaces it atomically; and s3rver's own writes are made whole before it answers
// (`writeWhole`).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  writeWhole(server.store);
  const backend = (await server.run()) as { port: number };
  const locks = new ObjectLocks();
  const front = createServer((req, res) => void forward(req, res, backend.port, locks));
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

async function forward(req: IncomingMessage, res: ServerResponse, backendPort: number, locks: ObjectLocks) {
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
  // Held until the answer is sent: a reader sees the whole object a write left, never one being written.
  const access = objectAccess(req.method ?? 'GET', req.url ?? '/');
  if (access) {
    const closed = new Promise((resolve) => res.once('close', resolve));
    const release = await locks.acquire(access.object, access.write);
    void closed.then(release);
    if (res.destroyed) return; // the caller left while it waited
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

/**
 * s3rver answers a PUT once its file is opened, not written (its putObject resolves on `end()` of the write
 * stream), so the next write of the key can interleave with it and leave a mix of both. As S3 does, an object
 * here is whole once its PUT is answered: written to a file of its own, then renamed over the object.
 */
function writeWhole(store: S3rver['store']) {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    const written = `${objectPath}.${randomUUID()}.part`;
    const md5 = createHash('md5');
    let size = 0;
    const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, count, createWriteStream(written));
      await rename(written, objectPath);
    } catch (error) {
      await rm(written, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

/**
 * Whether a request reads or replaces an object (`bucket/key` of a path-style URL): GET and HEAD read it; a PUT
 * (an upload or a copy onto it), a DELETE and the POST completing a multipart upload replace it. A bucket's own
 * URL (listings, multi-delete), CORS preflights and the other multipart calls (start, parts, abort) touch no
 * object.
 */
function objectAccess(method: string, url: string): { object: string; write: boolean } | undefined {
  const { pathname, searchParams } = new URL(url, 'http://s3.local');
  const slash = pathname.indexOf('/', 1);
  if (slash < 0 || slash === pathname.length - 1) return undefined;
  const object = decodeURIComponent(pathname.slice(1));
  const multipart = searchParams.has('uploadId');
  if (method === 'GET' || method === 'HEAD') return multipart ? undefined : { object, write: false };
  if (method === 'PUT' || method === 'DELETE') return multipart ? undefined : { object, write: true };
  if (method === 'POST' && multipart) return { object, write: true };
  return undefined;
}

/**
 * Per object, readers share and a writer is alone, granted in arrival order (a waiting writer is not passed by
 * later readers).
 */
class ObjectLocks {
  private readonly held = new Map<
    string,
    { readers: number; writing: boolean; waiting: Array<{ write: boolean; grant: () => void }> }
  >();

  acquire(object: string, write: boolean): Promise<() => void> {
    let entry = this.held.get(object);
    if (!entry) {
      entry = { readers: 0, writing: false, waiting: [] };
      this.held.set(object, entry);
    }
    const lock = entry;
    return new Promise((resolve) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (write) lock.writing = false;
        else lock.readers -= 1;
        this.grant(object, lock);
      };
      lock.waiting.push({
        write,
        grant: () => {
          if (write) lock.writing = true;
          else lock.readers += 1;
          resolve(release);
        },
      });
      this.grant(object, lock);
    });
  }

  private grant(
    object: string,
    lock: { readers: number; writing: boolean; waiting: Array<{ write: boolean; grant: () => void }> },
  ) {
    while (lock.waiting.length > 0 && !lock.writing) {
      const next = lock.waiting[0]!;
      if (next.write && lock.readers > 0) break;
      lock.waiting.shift();
      next.grant();
      if (next.write) break;
    }
    if (!lock.writing && lock.readers === 0 && lock.waiting.length === 0) this.held.delete(object);
  }
}

function corsXml(rules: typeof artifactCors): string {
  const tags = (tag: string, values: readonly string[]) =>
    values.map((v) => `<${tag}>${v}</${tag}>`).join('');
  return `<CORSConfiguration><CORSRule>${tags('AllowedOrigin', rules.allowedOrigins)}${tags('AllowedMethod', rules.allowedMethods)}${tags('AllowedHeader', rules.allowedHeaders)}${tags('ExposeHeader', rules.exposedHeaders)}<MaxAgeSeconds>${rules.maxAgeSeconds}</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}
