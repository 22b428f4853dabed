// Starting and stopping the loopback servers the local runtime and its tests run.
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';

/** Listens on 127.0.0.1 only; port 0 picks a free port. Resolves with the port. */
export function listen(server: NetServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting, drops kept-alive connections, and resolves once closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
