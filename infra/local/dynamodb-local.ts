// Starts DynamoDB Local (AWS's own emulator, the jar shipped in amplify-dynamodb-simulator) as a child process.
// Note: the jar has no bind-address option; we only ever connect to it over 127.0.0.1.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '../../shared/config';
import { freePort } from './ports';

export interface DynamoDbLocal {
  endpoint: string;
  /** The current process (a new one after each restart). */
  readonly pid: number;
  stop: () => Promise<void>;
}

/** The longest wait between two restart attempts. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Starts DynamoDB Local and supervises it: if it exits without being stopped, it is started again on the same
 * port and data, after 0.5 s, 1 s, 2 s … up to 30 s between attempts, with one log line when it went down and
 * one when it is back. Meanwhile callers get 503 with Retry-After and /v1/ready answers 503.
 */
export async function startDynamoDbLocal(options: {
  dbPath?: string;
  /** The region its callers name (LOCAL_REGION unless told): with dbPath, that region's file is set up first. */
  region?: string;
  port?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Where the current process id is kept: a start after a crash stops the one the crashed runtime left. */
  pidFile?: string;
}): Promise<DynamoDbLocal> {
  assertJava();
  const log = options.log ?? ((line) => console.error(JSON.stringify(line)));
  if (options.pidFile) await stopLeftOver(options.pidFile);
  const remember = (launched: Launched) => {
    if (options.pidFile) writeFileSync(options.pidFile, String(launched.process.pid));
    return launched;
  };
  let child = remember(await firstLaunch(options));
  const port = Number(new URL(child.endpoint).port);
  let stopping = false;
  let restarting: Promise<void> | undefined;

  const supervise = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopping) return;
      log({ level: 'warn', message: 'DynamoDB Local stopped; restarting it', exitCode: code, signal });
      restarting = (async () => {
        for (let attempt = 0; !stopping; attempt++) {
          await sleep(Math.min(500 * 2 ** attempt, MAX_BACKOFF_MS));
          if (stopping) return;
          try {
            child = remember(await launch(options, port));
            if (stopping) return void (await stopChild(child.process));
            supervise(child.process);
            log({ level: 'info', message: 'DynamoDB Local is back', attempts: attempt + 1 });
            return;
          } catch (error) {
            if (attempt === 0)
              log({
                level: 'warn',
                message: 'DynamoDB Local did not restart yet; retrying',
                reason: String(error),
              });
          }
        }
      })();
    });
  };
  supervise(child.process);
  return {
    endpoint: child.endpoint,
    get pid() {
      return child.process.pid!;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      await stopChild(child.process);
    },
  };
}

type LaunchOptions = { dbPath?: string; region?: string };

async function firstLaunch(options: LaunchOptions & { port?: number }): Promise<Launched> {
  // A port chosen by freePort can be taken by another process before the jar binds it; then the jar exits and
  // we try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(options, options.port ?? (await freePort()));
    } catch (error) {
      if (options.port !== undefined || attempt >= 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

interface Launched {
  endpoint: string;
  process: ChildProcess;
}

async function launch(options: LaunchOptions, port: number): Promise<Launched> {
  const emulator = path.join(
    path.dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')),
    'emulator',
  );
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) {
    mkdirSync(options.dbPath, { recursive: true });
    writeAheadLogging(options.dbPath, options.region ?? LOCAL_REGION);
  }
  const child = spawn(
    'java',
    [
      // The serial collector: G1's concurrent threads cost this one small emulator more CPU than they save, on
      // the machine the runtime shares with it (api-latency's starts: ~10% less of DynamoDB Local's CPU).
      '-XX:+UseSerialGC',
      `-Djava.library.path=${path.join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(emulator, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      '-disableTelemetry',
      ...storage,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(endpoint, child, () => stderr);
  return { endpoint, process: child };
}

/**
 * Puts DynamoDB Local's SQLite files in write-ahead-log mode, before it opens them. It keeps the tables of each
 * access key and region in one file (`local_<region>.db` for the runtime's `local` key), in SQLite's default
 * rollback-journal mode: each write creates a journal, copies into it the pages it will change, syncs, writes and
 * deletes it. In write-ahead-log mode a write appends its pages to one log and syncs it, as durable (SQLite
 * replays the log when a killed process left one), with a third more starts a second (`npm run bench --
 * api-latency`). The mode is kept in the file, and DynamoDB Local does not change it.
 */
function writeAheadLogging(dbPath: string, region: string): void {
  const files = new Set([
    `local_${region}.db`,
    ...readdirSync(dbPath).filter((name) => name.endsWith('.db')),
  ]);
  for (const file of files) {
    const db = new DatabaseSync(path.join(dbPath, file));
    try {
      db.exec('PRAGMA journal_mode = WAL');
    } finally {
      db.close();
    }
  }
}

/** Stops the DynamoDB Local a killed runtime left running on this data (it would hold the files). */
async function stopLeftOver(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal.jar')) return;
  } catch {
    return; // no file, or that process is gone
  }
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await sleep(50);
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on PATH. ' +
        'Install a JRE (for example `apt-get install openjdk-17-jre-headless`) and start again.',
    );
  }
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        const message = `DynamoDB Local exited (${child.exitCode}): ${stderr()}`;
        throw /BindException|Address already in use/.test(message)
          ? new PortTaken(message)
          : new Error(message);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await sleep(150);
      }
    }
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not answer within 60 s: ${stderr()}`);
  } finally {
    client.destroy();
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
