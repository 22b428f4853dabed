// The http component against real servers on 127.0.0.1: address policy, redirects, limits.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepRejected } from '../../shared/components/step-errors';
import { httpStepSchema } from '../../shared/recipes/recipe-schema';
import { runHttp } from '../../shared/steps/http/run';
import { startFakeServer } from '../support/local-stack';

let target: Awaited<ReturnType<typeof startFakeServer>>;
let redirector: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => {
  target = await startFakeServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/big') return res.end(JSON.stringify({ blob: 'x'.repeat(400_000) }));
    if (req.url?.startsWith('/gzip')) {
      // Compressed when the caller asked for it; /gzip-bomb expands past the response limit.
      res.setHeader('content-encoding', 'gzip');
      const size = req.url === '/gzip-bomb' ? 6 * 1024 * 1024 : 1000;
      return res.end(
        gzipSync(JSON.stringify({ blob: 'y'.repeat(size), accept: req.headers['accept-encoding'] })),
      );
    }
    res.end(JSON.stringify({ ok: true, path: req.url, authorization: req.headers.authorization }));
  });
  redirector = await startFakeServer((req, res) => {
    res.statusCode = 302;
    res.setHeader(
      'location',
      req.url === '/to-metadata' ? 'http://169.254.169.254/latest/meta-data/' : `${target.url}/landed`,
    );
    res.end();
  });
});
afterAll(async () => {
  await target.close();
  await redirector.close();
});

const step = (url: string) => httpStepSchema.parse({ id: 'call', type: 'http', url, timeoutSeconds: 5 });
const port = () => new URL(target.url).port;

describe('http step address policy', () => {
  it.each([
    ['a name that resolves to loopback', () => `http://localhost:${port()}/`],
    ['loopback', () => `http://127.0.0.1:${port()}/`],
    ['decimal loopback', () => `http://2130706433:${port()}/`],
    ['hex loopback', () => `http://0x7f.0.0.1:${port()}/`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port()}/`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a unique-local IPv6 address', () => 'http://[fd00::1]/'],
  ])('refuses %s with a clear reason', async (_, url) => {
    const error = await runHttp(step(url()), {}, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepRejected);
    expect((error as Error).message).toMatch(/private, loopback, link-local or metadata address/);
    expect((error as Error).message).toContain('httpAllowList');
  });

  it('lets an allow-listed origin through, and only that origin', async () => {
    const output = await runHttp(step(`${target.url}/hello`), {}, [target.url]);
    expect(output.body).toEqual({ ok: true, path: '/hello' });
  });

  it('checks every redirect: allowed to allowed passes, allowed to metadata is refused', async () => {
    const followed = await runHttp(step(`${redirector.url}/go`), {}, [redirector.url, target.url]);
    expect(followed.body).toEqual({ ok: true, path: '/landed' });
    await expect(runHttp(step(`${redirector.url}/go`), {}, [redirector.url])).rejects.toThrow(
      'httpAllowList',
    );
    await expect(runHttp(step(`${redirector.url}/to-metadata`), {}, [redirector.url])).rejects.toThrow(
      '169.254.169.254',
    );
  });

  it('reads a compressed response, and holds the size limit on what it expands to', async () => {
    const compressed = (path: string) =>
      httpStepSchema.parse({
        id: 'call',
        type: 'http',
        url: `${target.url}${path}`,
        headers: { 'accept-encoding': 'gzip' },
        timeoutSeconds: 5,
      });
    const output = await runHttp(compressed('/gzip'), {}, [target.url]);
    expect(output.body).toEqual({ blob: 'y'.repeat(1000), accept: 'gzip' });
    await expect(runHttp(compressed('/gzip-bomb'), {}, [target.url])).rejects.toThrow(
      /response exceeds 5242880 bytes/,
    );
  });

  it('sends no credentials across a redirect to another origin', async () => {
    const withToken = httpStepSchema.parse({
      id: 'call',
      type: 'http',
      url: `${redirector.url}/go`,
      headers: { authorization: 'Bearer for-the-redirector-only' },
      timeoutSeconds: 5,
    });
    const output = await runHttp(withToken, {}, [redirector.url, target.url]);
    expect(output.body).toEqual({ ok: true, path: '/landed' });
    const direct = await runHttp({ ...withToken, url: `${target.url}/direct` }, {}, [target.url]);
    expect(direct.body).toMatchObject({ authorization: 'Bearer for-the-redirector-only' });
  });

  it('refuses schemes other than http and https', async () => {
    await expect(runHttp(step('file:///etc/passwd'), {}, [])).rejects.toThrow('only http and https');
  });
});
