// The web console as infrastructure sees it: where its build lives, building it when its sources changed
// (for `npm start` and `cdk synth` alike), the security headers it is served with, and the cross-origin rules
// the API and the artifact bucket need when the console is served from another origin (CloudFront).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
export const CONSOLE_SOURCE_DIR = path.join(root, 'web');
export const CONSOLE_DIST_DIR = path.join(CONSOLE_SOURCE_DIR, 'dist');

function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds web/dist with Vite when it is missing or older than a source file; a no-op otherwise. */
export function ensureConsoleBuilt(): string {
  const index = path.join(CONSOLE_DIST_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange(CONSOLE_SOURCE_DIR))
    return CONSOLE_DIST_DIR;
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', path.join(CONSOLE_SOURCE_DIR, 'vite.config.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return CONSOLE_DIST_DIR;
}

/** What the console fetches at start: where the API is and, when configured, the OIDC issuer. */
export interface ConsoleRuntimeConfig {
  apiUrl: string;
  oidc?: { issuer: string; clientId: string; scope?: string };
}

/**
 * The headers every console response carries, locally and from CloudFront. `connectTo` lists the origins
 * the page may call besides its own: the API (when elsewhere), the artifact bucket (presigned uploads),
 * the OIDC issuer. Styles may be inline: the graph and the editor set element styles at run time.
 */
export function consoleSecurityHeaders(connectTo: string[]) {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${connectTo.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  return {
    contentSecurityPolicy: csp,
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    frameOptions: 'DENY',
    contentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
  };
}

/**
 * Cross-origin reads of the API from the console's origin. Any origin may call it: credentials travel only
 * in the Authorization header (never cookies), so a page elsewhere can do nothing a key-holder could not.
 */
export const apiCors = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match'],
  exposeHeaders: ['etag', 'retry-after', 'location'],
  maxAgeSeconds: 600,
};

/** Browser uploads and downloads through presigned URLs: the signature, not the origin, authorises them. */
export const artifactCors = {
  allowedOrigins: ['*'],
  allowedMethods: ['PUT', 'GET'] as const,
  allowedHeaders: ['content-type'],
  exposedHeaders: ['etag'],
  maxAgeSeconds: 3000,
};
