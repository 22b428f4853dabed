// Starts the local runtime the way `npm start` does (node --import tsx infra/local/main.ts) as a child process
// and waits for demo.json; stops it with SIGTERM, as Ctrl-C would.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Demo {
  baseUrl: string;
  apiKey: string;
  platformAdminKey: string;
}

export async function startRuntimeProcess(dataDir: string, env: Record<string, string> = {}) {
  // PORT 0: the runtime binds a free port itself and writes it into demo.json, so no other process can take
  // the port between choosing and binding it.
  const child = spawn(path.resolve('node_modules/.bin/node'), ['--import', 'tsx', 'infra/local/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      RECIPEFLOW_DATA_DIR: dataDir,
      DEMO_DIRECTORY_PORT: '0',
      OPENAI_API_KEY: '',
      // The gateway caches authorizer answers per key as API Gateway does (30 s); 1 s keeps the tests of
      // revocation, suspension and outages short while still going through the cache.
      AUTHORIZER_CACHE_TTL_SECONDS: '1',
      // The audit consumer gathers stream records for 10 s before it is invoked, as the triggers stack's
      // mapping does; 1 s keeps the audit tests short while still going through the window.
      AUDIT_BATCHING_WINDOW_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, which a last-resort SIGKILL must reach (the runtime and DynamoDB Local).
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const demoFile = path.join(dataDir, 'demo.json');
  const deadline = Date.now() + 90_000;
  while (!existsSync(demoFile)) {
    if (child.exitCode !== null) throw new Error(`the local runtime exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`the local runtime did not become ready: ${output}`);
    await sleep(100);
  }
  const demo = JSON.parse(readFileSync(demoFile, 'utf8')) as Demo;
  return { child, demo, output: () => output };
}

export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timeout = new AbortController();
  await Promise.race([exited, sleep(15_000, undefined, { signal: timeout.signal }).catch(() => {})]);
  timeout.abort(); // a pending timer would keep the test process alive
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
  return child.exitCode;
}
