// S3 replaces an object atomically: a GET during a PUT of the same key returns the whole old object or the
// whole new one. s3rver truncates the file and writes it in place, so a read beside a write could stream a
// torn object, or fewer bytes than its Content-Length (a client then waits forever). The local server's front
// orders reads and writes of one object, as the service's guarantee requires (an upload event delivered twice
// writes the run's rows twice while the run reads them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Local } from '../../infra/local/s3-local';
import { s3Of } from '../../shared/clients/s3';
import { loadConfig } from '../../shared/config';
import { createDeps } from '../../shared/deps';

const bucket = 'atomic-test';
let s3: Awaited<ReturnType<typeof startS3Local>>;
let dir: string;
let client: S3Client;
let sdk: Awaited<ReturnType<typeof s3Of>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-s3-atomic-'));
  s3 = await startS3Local({ directory: dir, buckets: [bucket] });
  sdk = await s3Of(createDeps(loadConfig({ ...process.env, S3_ENDPOINT: s3.endpoint })));
  client = sdk.client;
});
afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A hang (a torn read used to leave the response waiting for bytes that never came) fails the call in 20 s.
const patience = () => ({ abortSignal: AbortSignal.timeout(20_000) });
const put = (Key: string, Body: string) =>
  client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key, Body }), patience());
const get = (Key: string, options = patience()) =>
  client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key }), options);

describe('the local S3 server', () => {
  it('gives a reader beside writers of the same key a whole object, old or new, never a torn one', async () => {
    const Key = 'uploads/rows.json';
    // Two versions of ~2 MB each, told apart by their first byte; each is one repeated letter.
    const version = (letter: string) => letter.repeat(2 * 1024 * 1024);
    const read = async () => (await get(Key)).Body!.transformToString();
    await put(Key, version('a'));
    const reads: Array<Promise<string>> = [];
    const writes: Array<Promise<unknown>> = [];
    for (let round = 0; round < 8; round++) {
      writes.push(put(Key, version(round % 2 ? 'a' : 'b')));
      reads.push(read(), read());
    }
    await Promise.all(writes);
    for (const text of await Promise.all(reads)) {
      expect(text.length).toBe(2 * 1024 * 1024);
      expect(text === version('a') || text === version('b')).toBe(true);
    }
  }, 60_000);

  it('lets a key go when a caller leaves while it waits for it', async () => {
    const Key = 'uploads/left.json';
    await put(Key, 'x'.repeat(32 * 1024 * 1024));
    // A reader that has not read its body yet holds the key; a writer waits for it, and a second reader waits
    // behind the writer, then leaves.
    const slow = await get(Key);
    const writing = put(Key, 'b');
    await sleep(100);
    const leaving = new AbortController();
    const departed = get(Key, { abortSignal: leaving.signal }).catch(() => undefined);
    await sleep(100);
    leaving.abort();
    await departed;
    expect((await slow.Body!.transformToString()).length).toBe(32 * 1024 * 1024);
    await writing;
    // Nothing the departed reader was granted is still held: a write and a read of the key go through.
    await put(Key, 'done');
    expect(await (await get(Key)).Body!.transformToString()).toBe('done');
  }, 60_000);
});
