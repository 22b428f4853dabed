// What real S3 checks on a presigned (query-string SigV4) request and s3rver does not: the signature over the
// signed headers actually sent (so a different content-type or content-length is refused), expiry, and any
// checksum the URL or the headers carry against the body that arrived. s3rver skips SigV4 verification
// entirely, which is how an SDK that signed a CRC32 of an empty body into every presigned PUT went unnoticed.
import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

export interface PresignedRequest {
  method: string;
  /** The raw request target: path and query as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Undefined when the request is fine (or not presigned), else S3's status and error code. */
export function checkPresignedRequest(
  request: PresignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): S3Refusal | undefined {
  const [rawPath = '/', rawQuery = ''] = request.url.split(/\?(.*)/s);
  const query = new URLSearchParams(rawQuery);
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) return undefined;
  const credential = query.get('X-Amz-Credential') ?? '';
  const [accessKeyId = '', ...scopeParts] = credential.split('/');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const expires = Number(query.get('X-Amz-Expires'));
  const secret = secretFor(accessKeyId);
  if (!secret) return refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist');

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || !Number.isFinite(expires) || expires < 1 || expires > 604_800) {
    return refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is malformed');
  }
  if (now.getTime() > signedAt + expires * 1000) return refusal(403, 'AccessDenied', 'Request has expired');
  if (!signedHeaders.includes('host')) {
    return refusal(400, 'AuthorizationQueryParametersError', 'SignedHeaders must include host');
  }

  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${headerValue(request.headers, name)}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    rawPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = scopeParts.join('/');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = scopeParts
    .slice(0, 4)
    .reduce<Buffer | string>((key, part) => hmac(key, part), `AWS4${secret}`);
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  if (expected !== query.get('X-Amz-Signature')) {
    return refusal(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided',
    );
  }
  return checkDigests(request.body, (name) => query.get(name) ?? headerValue(request.headers, name));
}

/** Content-MD5 and the x-amz-checksum-* values, from the query (signed) or the headers, against the body. */
function checkDigests(body: Buffer, read: (name: string) => string | undefined): S3Refusal | undefined {
  const digests: Record<string, () => string> = {
    'content-md5': () => createHash('md5').update(body).digest('base64'),
    'x-amz-checksum-crc32': () => {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(crc32(body));
      return value.toString('base64');
    },
    'x-amz-checksum-sha1': () => createHash('sha1').update(body).digest('base64'),
    'x-amz-checksum-sha256': () => createHash('sha256').update(body).digest('base64'),
  };
  for (const name of ['x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme']) {
    if (read(name)) return refusal(501, 'NotImplemented', `the local S3 server does not compute ${name}`);
  }
  for (const [name, compute] of Object.entries(digests)) {
    const sent = read(name);
    if (sent && sent !== compute()) {
      return refusal(400, 'BadDigest', `The ${name} you specified did not match the calculated checksum`);
    }
  }
  return undefined;
}

export function s3ErrorXml({ code, message }: S3Refusal): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function refusal(status: number, code: string, message: string): S3Refusal {
  return { status, code, message };
}

function headerValue(headers: PresignedRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}
