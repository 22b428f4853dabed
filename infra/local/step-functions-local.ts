// A loopback endpoint that answers the Step Functions API calls recipeflow makes (JSON 1.0 protocol), running
// each execution with aws-local-stepfunctions. State machines persist on disk; so do unfinished executions,
// which restart from their first state when the runtime starts again (components record steps idempotently).
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { StateMachine } from 'aws-local-stepfunctions';
import { LOCAL_S3_CREDENTIALS } from '../../shared/clients/s3';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic-file';
import { distributedMapOverrides, withLocalDistributedMaps } from './distributed-map';
import { closeServer, listen } from './http-server';
import {
  contextObject,
  type InvokeFunction,
  taskOverrides,
  withServiceTaskTimeouts,
} from './lambda-emulation';
import { checkCreateStateMachine, ServiceError } from './step-functions-rules';
import { waitOverrides, withLocalWaits } from './wait-states';

const ACCOUNT = '000000000000';
/** The longest an Express workflow may run. */
const EXPRESS_LIMIT_MS = 5 * 60_000;

interface MachineRecord {
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  type: string;
  creationDate: number;
  /** Where execution errors are logged (ERROR or ALL level); Express runs are settled from these lines. */
  logsErrors?: boolean;
}

interface ExecutionEntry {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  abort?: () => void;
  /** Aborted when the run stops: ends its waits. */
  stopped?: AbortController;
  /** Billed state transitions so far: states entered plus retries, as Standard workflows count them. */
  transitions: number;
  /** The last top-level Task or Wait entered and its input: where the run resumes after a restart. */
  resumeAt?: { state: string; input: unknown; wakeAt?: number };
}

interface TokenWaiter {
  executionArn: string;
  deadline: number;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export interface StepFunctionsLocal {
  endpoint: string;
  stop: () => Promise<void>;
  /** Resolves when no execution is running (tests and shutdown use it). */
  idle: () => Promise<void>;
  /** State transitions of one execution (for tests and the cost benchmark; not part of the AWS API). */
  transitions: (executionArn: string) => number | undefined;
}

export async function startStepFunctionsLocal(options: {
  dataDir: string;
  region: string;
  invoke: InvokeFunction;
  /** The S3 endpoint Distributed Maps read their items from and write their results to. */
  s3Endpoint?: string;
  /** Receives the service's "Execution Status Change" event when a Standard run ends other than by succeeding. */
  onStatusChange?: (event: Record<string, unknown>) => Promise<void>;
  /**
   * Receives the execution log line (ExecutionFailed/TimedOut/Aborted) of a run of a state machine that logs
   * errors, as a CloudWatch Logs subscription would. Express workflows send no status-change events; this is
   * how the cloud learns that one ended without Finalize.
   */
  onExecutionLog?: (line: Record<string, unknown>) => Promise<void>;
  port?: number;
}): Promise<StepFunctionsLocal> {
  const folder = path.join(options.dataDir, 'step-functions');
  mkdirSync(folder, { recursive: true });
  const machinesFile = path.join(folder, 'state-machines.json');
  const pendingFile = path.join(folder, 'running-executions.json');
  const machines = new Map<string, MachineRecord>(
    (readJson<MachineRecord[]>(machinesFile) ?? []).map((m) => [m.arn, m]),
  );
  const executions = new Map<string, ExecutionEntry>();
  const compiled = new Map<string, StateMachine>();
  /** The runs that have not ended, each with what settles when it does: what the pending file holds. */
  const running = new Map<ExecutionEntry, Promise<void>>();

  const tokens = new Map<string, TokenWaiter>();
  let s3Client: S3Client | undefined;
  // The state machine role's S3 access, for Distributed Maps.
  const s3 = () => {
    if (!options.s3Endpoint) throw new Error('no S3 endpoint for Distributed Map states');
    s3Client ??= new S3Client({
      region: options.region,
      endpoint: options.s3Endpoint,
      credentials: LOCAL_S3_CREDENTIALS,
      forcePathStyle: true,
    });
    return s3Client;
  };
  const persistMachines = () =>
    writeFileAtomic(machinesFile, JSON.stringify([...machines.values()], null, 1));
  const pendingJson = () =>
    JSON.stringify(
      [...running.keys()].filter((e) => e.status === 'RUNNING').map(({ abort: _, stopped: __, ...e }) => e),
    );
  // Written off the event loop, one write at a time: a start waits for the first write that begins after it
  // was added, so the starts that arrive during a write share the next one (a group commit).
  let writing: Promise<void> | undefined;
  let nextWrite: Promise<void> | undefined;
  const writePending = (): Promise<void> => {
    if (writing) {
      nextWrite ??= writing.then(noop, noop).then(() => {
        nextWrite = undefined;
        return writePending();
      });
      return nextWrite;
    }
    writing = writeFileAtomicAsync(pendingFile, pendingJson()).finally(() => {
      writing = undefined;
    });
    return writing;
  };
  // Resume points change at every Task; write them at most every 100 ms (and on stop).
  let persistTimer: NodeJS.Timeout | undefined;
  const persistPending = () => {
    persistTimer ??= setTimeout(() => {
      persistTimer = undefined;
      writePending().catch(logPersistFailure);
    }, 100);
  };

  const machineArn = (name: string) => `arn:aws:states:${options.region}:${ACCOUNT}:stateMachine:${name}`;

  function interpreterFor(machine: MachineRecord, startAt?: string): StateMachine {
    const cacheKey = `${machine.arn}#${startAt ?? ''}`;
    let interpreter = compiled.get(cacheKey);
    if (!interpreter) {
      const parsed = JSON.parse(machine.definition) as { States: Record<string, Record<string, unknown>> };
      const states = withLocalDistributedMaps(withLocalWaits(withServiceTaskTimeouts(parsed.States)));
      const definition = { ...parsed, States: states };
      // A resumed run starts at a later state, which leaves earlier ones unreachable: skip that validation.
      interpreter = startAt
        ? new StateMachine({ ...definition, StartAt: startAt } as never, {
            validationOptions: { noValidate: true },
          })
        : new StateMachine(definition as never);
      compiled.set(cacheKey, interpreter);
    }
    return interpreter;
  }

  const hooksFor = (entry: ExecutionEntry) => ({
    waitForToken: (token: string, timeoutSeconds: number | undefined) =>
      new Promise<unknown>((resolve, reject) => {
        tokens.set(token, {
          executionArn: entry.arn,
          deadline: Date.now() + (timeoutSeconds ?? 99_999_999) * 1000,
          resolve,
          reject,
        });
      }),
    release: (token: string) => tokens.delete(token),
    onTaskStart: (state: string, input: unknown) => {
      entry.resumeAt = { state, input };
      persistPending();
    },
  });

  function run(entry: ExecutionEntry): void {
    const machine = machines.get(entry.stateMachineArn)!;
    // A run persisted before a restart resumes at the Task it was in, with that Task's input.
    const interpreter = interpreterFor(machine, entry.resumeAt?.state);
    const asl = JSON.parse(machine.definition) as { States: Record<string, Record<string, unknown>> };
    const input = entry.resumeAt ? entry.resumeAt.input : (JSON.parse(entry.input) as unknown);
    entry.stopped = new AbortController();
    const resumedWait = entry.resumeAt?.wakeAt === undefined ? undefined : { ...entry.resumeAt };
    const waits = waitOverrides(asl.States, {
      signal: entry.stopped.signal,
      // Only the first entry of the state a run resumed at keeps its wake time.
      resumedWakeAt: (state) => {
        if (resumedWait?.state !== state) return undefined;
        const wakeAt = resumedWait.wakeAt;
        resumedWait.state = '';
        return wakeAt;
      },
      onWaitStart: (state, waitInput, wakeAt) => {
        entry.resumeAt = { state, input: waitInput, wakeAt };
        persistPending();
      },
    });
    const execution = interpreter.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: {
          ...taskOverrides(asl.States, options.invoke, hooksFor(entry)),
          ...waits,
          ...distributedMapOverrides(asl.States, {
            region: options.region,
            account: ACCOUNT,
            stateMachineName: machine.name,
            invoke: options.invoke,
            s3,
            signal: entry.stopped.signal,
          }),
        } as never,
      },
      context: contextObject({
        executionArn: entry.arn,
        name: entry.name,
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
        startTime: new Date(entry.startDate).toISOString(),
        executionInput: input,
      }) as never,
      noThrowOnAbort: true,
    });
    entry.abort = execution.abort;
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') entry.transitions += 1;
      }
    })();
    const done = execution.result
      .then((output: unknown) => {
        if (entry.status !== 'RUNNING') return;
        entry.status = 'SUCCEEDED';
        entry.output = JSON.stringify(output ?? null);
      })
      .catch((error: Error & { cause?: Error }) => {
        if (entry.status !== 'RUNNING') return;
        // The interpreter wraps the state's error (e.g. a Fail state's) in an ExecutionError.
        const failure = error.cause ?? error;
        entry.status = 'FAILED';
        entry.error = failure.name;
        entry.cause = failure.message;
      })
      .finally(() => {
        entry.stopDate = Date.now();
        entry.stopped?.abort();
        running.delete(entry);
        persistPending();
        if (entry.status !== 'SUCCEEDED') void notifyEnded(entry);
      });
    running.set(entry, done);
    // As the service does: an Express run that lasts five minutes is stopped and logged as timed out.
    if (machine.type === 'EXPRESS') {
      const limit = setTimeout(
        () => {
          if (entry.status !== 'RUNNING') return;
          Object.assign(entry, {
            status: 'TIMED_OUT',
            error: 'States.Timeout',
            cause: 'Execution timed out',
          });
          entry.abort?.();
        },
        entry.startDate + EXPRESS_LIMIT_MS - Date.now(),
      ).unref();
      void done.finally(() => clearTimeout(limit));
    }
  }

  const actions: Record<string, (body: Record<string, unknown>) => unknown | Promise<unknown>> = {
    CreateStateMachine(body) {
      checkCreateStateMachine(body);
      const name = String(body.name);
      const arn = machineArn(name);
      const existing = machines.get(arn);
      const type = String(body.type ?? 'STANDARD');
      if (existing) {
        if (
          existing.definition !== body.definition ||
          existing.type !== type ||
          existing.roleArn !== body.roleArn
        ) {
          throw new ServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
        }
        return { stateMachineArn: arn, creationDate: existing.creationDate / 1000 };
      }
      new StateMachine(JSON.parse(String(body.definition))); // validates the definition like the service does
      const record: MachineRecord = {
        name,
        arn,
        definition: String(body.definition),
        roleArn: String(body.roleArn),
        type,
        creationDate: Date.now(),
        logsErrors: logsErrors(body.loggingConfiguration),
      };
      machines.set(arn, record);
      persistMachines();
      return { stateMachineArn: arn, creationDate: record.creationDate / 1000 };
    },
    DescribeStateMachine(body) {
      const machine = machines.get(String(body.stateMachineArn));
      if (!machine) throw new ServiceError('StateMachineDoesNotExist', 'State Machine Does Not Exist');
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definition,
        roleArn: machine.roleArn,
        type: machine.type,
        creationDate: machine.creationDate / 1000,
      };
    },
    async StartExecution(body) {
      const machine = machines.get(String(body.stateMachineArn));
      if (!machine) throw new ServiceError('StateMachineDoesNotExist', 'State Machine Does Not Exist');
      const name = String(body.name ?? crypto.randomUUID());
      // Express runs are named but not unique: their ARN carries a run id, and a start is never deduplicated.
      const arn =
        machine.type === 'EXPRESS'
          ? `arn:aws:states:${options.region}:${ACCOUNT}:express:${machine.name}:${name}:${crypto.randomUUID()}`
          : `arn:aws:states:${options.region}:${ACCOUNT}:execution:${machine.name}:${name}`;
      const existing = executions.get(arn);
      if (existing) {
        if (existing.input === (body.input ?? '{}'))
          return { executionArn: arn, startDate: existing.startDate / 1000 };
        throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
      }
      const entry: ExecutionEntry = {
        arn,
        name,
        stateMachineArn: machine.arn,
        input: String(body.input ?? '{}'),
        status: 'RUNNING',
        startDate: Date.now(),
        transitions: 0,
      };
      executions.set(arn, entry);
      run(entry);
      // Written before the start is acknowledged: a run the caller was told about survives a crash.
      await writePending();
      return { executionArn: arn, startDate: entry.startDate / 1000 };
    },
    DescribeExecution(body) {
      const entry = executions.get(String(body.executionArn));
      if (!entry) throw new ServiceError('ExecutionDoesNotExist', 'Execution Does Not Exist');
      return {
        executionArn: entry.arn,
        stateMachineArn: entry.stateMachineArn,
        name: entry.name,
        status: entry.status,
        startDate: entry.startDate / 1000,
        ...(entry.stopDate ? { stopDate: entry.stopDate / 1000 } : {}),
        input: entry.input,
        ...(entry.output !== undefined ? { output: entry.output } : {}),
        ...(entry.error ? { error: entry.error, cause: entry.cause } : {}),
      };
    },
    SendTaskSuccess(body) {
      const waiter = takeToken(String(body.taskToken));
      waiter.resolve(JSON.parse(String(body.output ?? 'null')));
      return {};
    },
    SendTaskFailure(body) {
      const waiter = takeToken(String(body.taskToken));
      const error = new Error(String(body.cause ?? ''));
      error.name = String(body.error ?? 'TaskFailed');
      waiter.reject(error);
      return {};
    },
    SendTaskHeartbeat(body) {
      const waiter = tokens.get(String(body.taskToken));
      if (!waiter) throw new ServiceError('TaskDoesNotExist', 'Task does not exist anymore');
      return {};
    },
    StopExecution(body) {
      const entry = executions.get(String(body.executionArn));
      if (!entry) throw new ServiceError('ExecutionDoesNotExist', 'Execution Does Not Exist');
      if (entry.status === 'RUNNING') {
        entry.status = 'ABORTED';
        entry.error = body.error as string | undefined;
        entry.cause = body.cause as string | undefined;
        entry.stopDate = Date.now();
        entry.abort?.();
        entry.stopped?.abort();
        for (const [token, waiter] of tokens) if (waiter.executionArn === entry.arn) tokens.delete(token);
        persistPending();
      }
      return { stopDate: (entry.stopDate ?? Date.now()) / 1000 };
    },
  };

  /** What the service tells of a run that ended other than by succeeding: Standard events, Express log lines. */
  async function notifyEnded(entry: ExecutionEntry): Promise<void> {
    const machine = machines.get(entry.stateMachineArn);
    if (machine?.type === 'EXPRESS') {
      if (machine.logsErrors) await notifyExecutionLog(entry);
      return;
    }
    await notifyStatusChange(entry);
  }

  async function notifyExecutionLog(entry: ExecutionEntry): Promise<void> {
    const type = { FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[
      entry.status as 'FAILED' | 'TIMED_OUT' | 'ABORTED'
    ];
    const line = {
      id: '1',
      type,
      details: { error: entry.error ?? '', cause: entry.cause ?? '' },
      event_timestamp: String(entry.stopDate ?? Date.now()),
      execution_arn: entry.arn,
    };
    await options.onExecutionLog?.(line).catch(logHandlerFailure);
  }

  async function notifyStatusChange(entry: ExecutionEntry): Promise<void> {
    const detail = {
      executionArn: entry.arn,
      stateMachineArn: entry.stateMachineArn,
      name: entry.name,
      status: entry.status,
      startDate: entry.startDate,
      stopDate: entry.stopDate,
      input: entry.input,
      error: entry.error ?? null,
      cause: entry.cause ?? null,
    };
    const event = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: options.region,
      resources: [entry.arn],
      detail,
    };
    await options.onStatusChange?.(event).catch(logHandlerFailure);
  }

  function takeToken(token: string): TokenWaiter {
    const waiter = tokens.get(token);
    if (!waiter) throw new ServiceError('TaskDoesNotExist', 'Task does not exist anymore');
    tokens.delete(token);
    if (Date.now() > waiter.deadline) throw new ServiceError('TaskTimedOut', 'Task Timed Out');
    return waiter;
  }

  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = actions[target.replace(/^AWSStepFunctions\./, '')];
    res.setHeader('content-type', 'application/x-amz-json-1.0');
    try {
      if (!action) throw new ServiceError('UnknownOperationException', `unsupported operation ${target}`);
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      res.end(JSON.stringify((await action(body)) ?? {}));
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InvalidDefinition', (error as Error).message);
      res.statusCode = 400;
      res.setHeader('x-amzn-errortype', serviceError.type);
      res.end(
        JSON.stringify({
          __type: `com.amazonaws.swf.service.v2.model#${serviceError.type}`,
          message: serviceError.message,
        }),
      );
    }
  });
  const port = await listen(server, options.port ?? 0);

  for (const pending of readJson<ExecutionEntry[]>(pendingFile) ?? []) {
    if (!machines.has(pending.stateMachineArn)) continue;
    const entry: ExecutionEntry = { ...pending, status: 'RUNNING', transitions: 0 };
    executions.set(entry.arn, entry);
    try {
      run(entry);
    } catch (error) {
      Object.assign(entry, {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: (error as Error).message,
        stopDate: Date.now(),
      });
      void notifyEnded(entry);
    }
  }

  const idle = async () => {
    while (running.size > 0) await Promise.allSettled([...running.values()]);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    idle,
    transitions: (executionArn) => executions.get(executionArn)?.transitions,
    stop: async () => {
      clearTimeout(persistTimer);
      persistTimer = undefined;
      // The writes under way first (they share the temporary file), then the last state, synchronously.
      while (writing || nextWrite) await (nextWrite ?? writing)?.catch(noop);
      writeFileAtomic(pendingFile, pendingJson());
      await closeServer(server);
    },
  };
}

function logsErrors(logging: unknown): boolean {
  const level = (logging as { level?: string } | undefined)?.level;
  return level === 'ERROR' || level === 'ALL';
}

function noop() {}

function logPersistFailure(error: Error) {
  console.error(
    JSON.stringify({ level: 'error', message: 'running executions not saved', errorType: error.name }),
  );
}

function logHandlerFailure(error: Error) {
  console.error(
    JSON.stringify({ level: 'error', message: 'status change handler failed', errorType: error.name }),
  );
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
