// The local S3 server refuses presigned PUTs as real S3 does: a checksum that does not match the body, a
// content-type or content-length other than the signed one, an expired URL. The platform's own client signs
// no checksum of a body it has not seen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Local } from '../../infra/local/s3-local';
import { LOCAL_S3_CREDENTIALS, s3Of } from '../../shared/clients/s3';
import { loadConfig } from '../../shared/config';
import { createDeps } from '../../shared/deps';

const bucket = 'presign-test';
const body = 'domain,name\nacme.example,Acme\n';
let s3: Awaited<ReturnType<typeof startS3Local>>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'recipeflow-s3-'));
  s3 = await startS3Local({ directory: dir, buckets: [bucket] });
});
afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function platformClient() {
  return (await s3Of(createDeps(loadConfig({ ...process.env, S3_ENDPOINT: s3.endpoint })))).client;
}

async function presign(
  client: S3Client,
  options: { size?: number; signingDate?: Date; expiresIn?: number } = {},
) {
  return getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'tenants/t1/artifacts/a1',
      ContentType: 'text/csv',
      ContentLength: options.size ?? Buffer.byteLength(body),
    }),
    {
      expiresIn: options.expiresIn ?? 300,
      signingDate: options.signingDate,
      signableHeaders: new Set(['content-type', 'content-length']),
    },
  );
}

async function put(url: string, headers: Record<string, string>, payload = body) {
  const response = await fetch(url, { method: 'PUT', headers, body: payload });
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

describe('presigned uploads to the local S3 server', () => {
  it('accepts the upload the platform signs, whose URL carries no checksum', async () => {
    const url = await presign(await platformClient());
    expect(url).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i);
    expect(await put(url, { 'content-type': 'text/csv' })).toEqual({ status: 200, code: undefined });
  });

  it('refuses a body that does not match a signed checksum with 400 BadDigest', async () => {
    // The SDK's default since 3.729: a CRC32 of the empty body signed into the URL.
    const careless = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
    });
    const url = await presign(careless);
    expect(url).toContain('x-amz-checksum-crc32=AAAAAA%3D%3D');
    expect(await put(url, { 'content-type': 'text/csv' })).toEqual({ status: 400, code: 'BadDigest' });
    careless.destroy();
  });

  it('refuses a content-type other than the signed one with 403 SignatureDoesNotMatch', async () => {
    const url = await presign(await platformClient());
    expect(await put(url, { 'content-type': 'application/json' })).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a body whose length differs from the signed content-length with 403', async () => {
    const url = await presign(await platformClient(), { size: Buffer.byteLength(body) + 10 });
    expect(await put(url, { 'content-type': 'text/csv' })).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses an expired URL with 403 AccessDenied', async () => {
    const url = await presign(await platformClient(), {
      signingDate: new Date(Date.now() - 10 * 60_000),
      expiresIn: 60,
    });
    expect(await put(url, { 'content-type': 'text/csv' })).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('refuses a tampered signature with 403 SignatureDoesNotMatch', async () => {
    const url = (await presign(await platformClient())).replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
    );
    expect((await put(url, { 'content-type': 'text/csv' })).code).toBe('SignatureDoesNotMatch');
  });
});
