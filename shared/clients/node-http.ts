// Stands in for `node:http` in deployed bundles (the esbuild alias in infra/stacks/bundling.ts). On Node 22+ an
// ESM import of node:http builds the module's ESM namespace, which reads every export — including the lazy
// WebSocket, CloseEvent and MessageEvent getters, which load undici: ~40 ms of every cold start that imports it
// (middy's util does, for STATUS_CODES; nodejs/node#59686). Required instead, it loads in ~6 ms and undici
// stays unloaded. The exports are node:http's own, but for those three (importing one fails the build).
import { createRequire } from 'node:module';

const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export default http;
export const {
  _connectionListener,
  METHODS,
  STATUS_CODES,
  Agent,
  ClientRequest,
  IncomingMessage,
  OutgoingMessage,
  Server,
  ServerResponse,
  createServer,
  validateHeaderName,
  validateHeaderValue,
  get,
  request,
  setMaxIdleHTTPParsers,
  maxHeaderSize,
  globalAgent,
} = http as typeof http & { _connectionListener: unknown };
