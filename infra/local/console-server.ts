// Serves the built web console at `/` for `npm start`, as CloudFront does in the cloud: files from web/dist,
// any other path (a client-side route) answered with index.html, /config.json generated, the same security
// headers on every answer.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { type ConsoleRuntimeConfig, consoleSecurityHeaders } from '../console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const HEADER_NAMES = {
  contentSecurityPolicy: 'content-security-policy',
  strictTransportSecurity: 'strict-transport-security',
  frameOptions: 'x-frame-options',
  contentTypeOptions: 'x-content-type-options',
  referrerPolicy: 'referrer-policy',
} as const;

export function consoleHandler(options: {
  dir: string;
  config: () => ConsoleRuntimeConfig;
  /** Origins the page may call besides its own (the local S3 endpoint, an OIDC issuer). */
  connectTo: () => string[];
}) {
  const root = path.resolve(options.dir);
  return (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const headers = consoleSecurityHeaders(options.connectTo());
    for (const [key, name] of Object.entries(HEADER_NAMES))
      res.setHeader(name, headers[key as keyof typeof headers]);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method Not Allowed');
      return;
    }
    if (pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(options.config()));
      return;
    }
    let file: string;
    try {
      file = path.resolve(root, `.${decodeURIComponent(pathname)}`);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
      return;
    }
    const inside = file.startsWith(`${root}${path.sep}`);
    const found = inside && existsSync(file) && statSync(file).isFile();
    if (!found && path.extname(pathname) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const served = found ? file : path.join(root, 'index.html');
    if (!existsSync(served)) {
      res
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('The console is not built: run npm run build:web');
      return;
    }
    // Hashed assets never change; index.html must be revalidated so a new build is picked up.
    const immutable = served.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(served)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(served).pipe(res);
  };
}
