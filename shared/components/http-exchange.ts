// One HTTP(S) exchange over node:http/node:https with the address policy's lookup: the checked address is the
// address connected to. The response is read within a byte limit, decompressed as it arrives if the server
// compressed it (the limit holds for what it expands to).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';

export interface Exchange {
  status: number;
  headers: Headers;
  /** Reads the body, refusing more than `limit` bytes (`tooLarge` names the error to throw). */
  text: (limit: number, tooLarge: (size: number) => Error) => Promise<string>;
  /** Ends the exchange without reading its body (a redirect's). */
  discard: () => void;
}

export interface ExchangeRequest {
  method: string;
  headers: Headers;
  body?: string;
  signal: AbortSignal;
  lookup: LookupFunction;
}

export function exchange(url: URL, init: ExchangeRequest): Promise<Exchange> {
  const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'recipeflow' };
  for (const [name, value] of init.headers) headers[name] = value;
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: init.method,
      headers,
      signal: init.signal,
      lookup: init.lookup,
      agent: false, // one connection per exchange, closed with it
    });
    // Kept after the response: a later error then only rejects a settled promise (the body read sees it).
    req.on('error', reject);
    req.once('response', (res) => {
      resolve({
        status: res.statusCode ?? 0,
        headers: toHeaders(res),
        text: (limit, tooLarge) => readText(res, limit, tooLarge),
        discard: () => res.destroy(),
      });
    });
    req.end(init.body);
  });
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of [value].flat()) headers.append(name, one);
  }
  return headers;
}

const decoders: Record<
  string,
  () => Pick<Gunzip, 'destroy'> & NodeJS.WritableStream & AsyncIterable<Buffer>
> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

async function readText(res: IncomingMessage, limit: number, tooLarge: (size: number) => Error) {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder = decoders[encoding]?.();
  const stream: AsyncIterable<Buffer> = decoder ? res.pipe(decoder) : res;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(size);
      chunks.push(chunk);
    }
  } finally {
    res.destroy();
    decoder?.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
