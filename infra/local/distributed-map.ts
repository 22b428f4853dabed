// Distributed Map states, as the Step Functions service runs them. aws-local-stepfunctions runs a Map's
// ItemProcessor inline over an array in the state and ignores ItemReader, ItemBatcher, ResultWriter and the
// failure tolerance, so each top-level DISTRIBUTED Map is run here instead (as a local Task, like waits):
// - ItemReader `s3:getObject` reads the object from the local S3 server: CSV (header in the first row, or
//   CSVHeaders given), a JSON array, JSON Lines; ReaderConfig.MaxItems caps what is read;
// - ItemSelector per item (`$$.Map.Item.Index`/`Value`, paths of the state input); ItemBatcher groups items by
//   MaxItemsPerBatch and MaxInputBytesPerBatch into `{ Items, BatchInput }`;
// - each child execution runs the ItemProcessor's states with the same Lambda emulation as a run, at most
//   MaxConcurrency at once; a child whose output exceeds 256 KiB fails as the service fails it;
// - ToleratedFailurePercentage / ToleratedFailureCount over items (a failed batch fails all its items); past
//   them no more children start and the state fails with States.ExceedsToleratedFailureThreshold;
// - ResultWriter `s3:putObject` writes `<Prefix>/<map run id>/manifest.json` and one results file per status
//   (SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json: JSON arrays of the child executions), and the state's
//   result is `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`; without it, the children's outputs in order.
// What the emulator does not do (and the compiler never emits): other ItemReader sources (S3 listings,
// manifests, Parquet), WriterConfig, a Distributed Map nested in another Map, intrinsic functions in its fields.
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateMachine } from 'aws-local-stepfunctions';
import { parseCsv } from '../../shared/artifacts/sample';
import {
  contextObject,
  type InvokeFunction,
  SERVICE_TASK_TIMEOUT,
  STATE_LIMIT_BYTES,
  taskOverrides,
  withServiceTaskTimeouts,
} from './lambda-emulation';

type AslState = Record<string, unknown>;
type AslStates = Record<string, AslState>;

const LOCAL_DISTRIBUTED_MAP = 'arn:aws:states:::local:distributedMap';
/** Child executions this process runs at once, whatever MaxConcurrency allows (the service's default: 10,000). */
const LOCAL_CHILD_LIMIT = 64;

export function isDistributedMap(state: AslState): boolean {
  const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
  return state.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** A copy of the top-level States with each Distributed Map made a local Task (its fields kept for the run). */
export function withLocalDistributedMaps(states: AslStates): AslStates {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      if (!isDistributedMap(state)) return [name, state];
      const {
        Type: _,
        ItemReader: __,
        ItemSelector: ___,
        ItemBatcher: ____,
        ItemProcessor: _____,
        ItemsPath,
        MaxConcurrency: ______,
        ToleratedFailurePercentage: _______,
        ToleratedFailureCount: ________,
        ResultWriter: _________,
        Label: __________,
        ...rest
      } = state;
      // The reader's and writer's paths read the state's input; ItemsPath (no reader) names the items in it.
      const parameters = { 'input.$': '$', ...(ItemsPath ? { 'items.$': ItemsPath } : {}) };
      // A Map has no timeout; the interpreter fails a Task after 60 seconds unless told otherwise.
      return [
        name,
        {
          ...rest,
          Type: 'Task',
          Resource: LOCAL_DISTRIBUTED_MAP,
          Parameters: parameters,
          TimeoutSeconds: SERVICE_TASK_TIMEOUT,
        },
      ];
    }),
  );
}

export interface MapRunContext {
  region: string;
  account: string;
  stateMachineName: string;
  invoke: InvokeFunction;
  /** The state machine role's S3 access (made on first use). */
  s3: () => S3Client;
  signal: AbortSignal;
}

/** Handlers for one execution's Distributed Maps (merged into taskResourceLocalHandlers). */
export function distributedMapOverrides(states: AslStates, context: MapRunContext) {
  const overrides: Record<string, (parameters: unknown) => Promise<unknown>> = {};
  for (const [name, state] of Object.entries(states)) {
    if (!isDistributedMap(state)) continue;
    overrides[name] = async (parameters) => {
      const { input, items } = parameters as { input: unknown; items?: unknown };
      return runMap(name, state, input, items ?? input, context);
    };
  }
  return overrides;
}

interface ChildResult {
  ExecutionArn: string;
  Input: string;
  InputDetails: { Included: boolean };
  Name: string;
  Output?: string;
  OutputDetails?: { Included: boolean };
  RedriveCount: number;
  RedriveStatus: string;
  StartDate: string;
  StateMachineArn: string;
  Status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  StopDate?: string;
  Error?: string;
  Cause?: string;
}

async function runMap(
  name: string,
  state: AslState,
  input: unknown,
  inlineItems: unknown,
  context: MapRunContext,
) {
  const mapRunId = randomUUID();
  const label = `${context.stateMachineName}/${name}`;
  const mapRunArn = `arn:aws:states:${context.region}:${context.account}:mapRun:${label}:${mapRunId}`;
  const items = await readItems(state, input, inlineItems, context);
  const selector = state.ItemSelector as AslState | undefined;
  const selected = items.map((value, index) =>
    selector ? resolve(selector, input, { Map: { Item: { Index: index, Value: value } } }) : value,
  );
  const batches = batch(selected, state.ItemBatcher as Batcher | undefined, input);
  const processor = state.ItemProcessor as { StartAt: string; States: AslStates };
  const child = new StateMachine({
    StartAt: processor.StartAt,
    States: withServiceTaskTimeouts(processor.States),
  } as never);
  const total = selected.length;
  const percent = state.ToleratedFailurePercentage as number | undefined;
  const count = state.ToleratedFailureCount as number | undefined;
  const exceeded = (failed: number) =>
    percent === undefined && count === undefined
      ? failed > 0
      : (count !== undefined && failed > count) ||
        (percent !== undefined && total > 0 && (failed / total) * 100 > percent);

  const results: ChildResult[] = batches.map((batchInput) => ({
    ExecutionArn: '',
    Input: JSON.stringify(batchInput.input),
    InputDetails: { Included: true },
    Name: '',
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: '',
    StateMachineArn: `arn:aws:states:${context.region}:${context.account}:stateMachine:${label}`,
    Status: 'PENDING',
  }));
  let failedItems = 0;
  let stopped = false;
  let next = 0;
  const runChild = async (position: number) => {
    const childName = randomUUID();
    const arn = `arn:aws:states:${context.region}:${context.account}:express:${label}:${mapRunId}:${childName}`;
    const entry = results[position]!;
    Object.assign(entry, { ExecutionArn: arn, Name: childName, StartDate: new Date().toISOString() });
    const childInput = batches[position]!.input;
    try {
      const execution = child.run(childInput as never, {
        overrides: { taskResourceLocalHandlers: taskOverrides(processor.States, context.invoke) as never },
        context: contextObject({
          executionArn: arn,
          name: childName,
          stateMachineArn: entry.StateMachineArn,
          stateMachineName: label,
          startTime: entry.StartDate,
          executionInput: childInput,
        }) as never,
      });
      const output = JSON.stringify((await execution.result) ?? null);
      if (Buffer.byteLength(output) > STATE_LIMIT_BYTES) {
        const error = new Error('The state/task returned a result exceeding the maximum size.');
        error.name = 'States.DataLimitExceeded';
        throw error;
      }
      Object.assign(entry, { Status: 'SUCCEEDED', Output: output, OutputDetails: { Included: true } });
    } catch (raw) {
      const error = (raw as Error & { cause?: Error }).cause ?? (raw as Error);
      Object.assign(entry, { Status: 'FAILED', Error: error.name, Cause: error.message });
      failedItems += batches[position]!.size;
      if (exceeded(failedItems)) stopped = true;
    }
    entry.StopDate = new Date().toISOString();
  };
  const concurrency = Math.min(Number(state.MaxConcurrency) || 10_000, LOCAL_CHILD_LIMIT);
  const worker = async () => {
    while (next < batches.length && !stopped && !context.signal.aborted) await runChild(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  if (context.signal.aborted)
    throw Object.assign(new Error('the execution stopped'), { name: 'States.Runtime' });

  const writer = state.ResultWriter as { Resource?: string; Parameters?: AslState } | undefined;
  let output: unknown;
  if (writer) {
    output = await writeResults(writer, input, results, { mapRunArn, mapRunId }, context);
  } else output = results.map((r) => (r.Output === undefined ? null : JSON.parse(r.Output)));
  if (stopped) {
    const error = new Error('The specified tolerated failure threshold was exceeded');
    error.name = 'States.ExceedsToleratedFailureThreshold';
    throw error;
  }
  return output;
}

async function readItems(
  state: AslState,
  input: unknown,
  inlineItems: unknown,
  context: MapRunContext,
): Promise<unknown[]> {
  const reader = state.ItemReader as
    | { Resource?: string; ReaderConfig?: Record<string, unknown>; Parameters?: AslState }
    | undefined;
  if (!reader) {
    if (!Array.isArray(inlineItems))
      throw runtimeError('States.Runtime', 'the items path does not name an array');
    return inlineItems;
  }
  if (reader.Resource !== 'arn:aws:states:::s3:getObject')
    throw runtimeError(
      'States.Runtime',
      `the local emulator reads items with s3:getObject only, not ${reader.Resource}`,
    );
  const { Bucket, Key } = resolve(reader.Parameters ?? {}, input, {}) as { Bucket: string; Key: string };
  const config = reader.ReaderConfig ?? {};
  let text: string;
  try {
    const object = await context.s3().send(new GetObjectCommand({ Bucket, Key }));
    text = await object.Body!.transformToString();
  } catch (error) {
    throw runtimeError(
      'States.ItemReaderFailed',
      `could not read s3://${Bucket}/${Key}: ${(error as Error).name}`,
    );
  }
  let items: unknown[];
  try {
    items = parseItems(text, config);
  } catch (error) {
    throw runtimeError('States.ItemReaderFailed', (error as Error).message);
  }
  const max = config.MaxItems as number | undefined;
  return max ? items.slice(0, max) : items;
}

function parseItems(text: string, config: Record<string, unknown>): unknown[] {
  switch (config.InputType) {
    case 'JSON': {
      const value = JSON.parse(text) as unknown;
      if (!Array.isArray(value)) throw new Error('the JSON object is not an array');
      return value;
    }
    case 'JSONL':
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
    case 'CSV': {
      const rows = parseCsv(text, true);
      const header =
        config.CSVHeaderLocation === 'GIVEN' ? (config.CSVHeaders as string[]) : (rows.shift() ?? []);
      // Each row is an object of strings by column name, as the service gives it.
      return rows.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i] ?? ''])));
    }
    default:
      throw new Error(`the local emulator does not read InputType ${String(config.InputType)}`);
  }
}

interface Batcher {
  MaxItemsPerBatch?: number;
  MaxInputBytesPerBatch?: number;
  BatchInput?: AslState;
}

function batch(items: unknown[], batcher: Batcher | undefined, input: unknown) {
  if (!batcher) return items.map((item) => ({ input: item, size: 1 }));
  const batchInput = batcher.BatchInput ? resolve(batcher.BatchInput, input, {}) : undefined;
  const maxItems = batcher.MaxItemsPerBatch ?? Number.POSITIVE_INFINITY;
  const maxBytes = batcher.MaxInputBytesPerBatch ?? Number.POSITIVE_INFINITY;
  const batches: Array<{ input: unknown; size: number }> = [];
  let current: unknown[] = [];
  let bytes = 0;
  const close = () => {
    if (current.length === 0) return;
    batches.push({
      input: { Items: current, ...(batchInput === undefined ? {} : { BatchInput: batchInput }) },
      size: current.length,
    });
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) close();
    current.push(item);
    bytes += size;
  }
  close();
  return batches;
}

async function writeResults(
  writer: { Resource?: string; Parameters?: AslState },
  input: unknown,
  results: ChildResult[],
  run: { mapRunArn: string; mapRunId: string },
  context: MapRunContext,
) {
  if (writer.Resource !== 'arn:aws:states:::s3:putObject')
    throw runtimeError(
      'States.ResultWriterFailed',
      `the local emulator writes results with s3:putObject only`,
    );
  const { Bucket, Prefix = '' } = resolve(writer.Parameters ?? {}, input, {}) as {
    Bucket: string;
    Prefix?: string;
  };
  const folder = `${Prefix ? `${Prefix.replace(/\/$/, '')}/` : ''}${run.mapRunId}`;
  const files: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', Array<{ Key: string; Size: number }>> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  const put = async (Key: string, body: string) => {
    try {
      await context
        .s3()
        .send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'application/json' }));
    } catch (error) {
      throw runtimeError(
        'States.ResultWriterFailed',
        `could not write s3://${Bucket}/${Key}: ${(error as Error).name}`,
      );
    }
  };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const entries = results.filter((result) => result.Status === status);
    if (entries.length === 0) continue;
    const key = `${folder}/${status}_0.json`;
    const body = JSON.stringify(entries);
    await put(key, body);
    files[status].push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${folder}/manifest.json`;
  await put(
    manifestKey,
    JSON.stringify({ DestinationBucket: Bucket, MapRunArn: run.mapRunArn, ResultFiles: files }),
  );
  return { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
}

/**
 * A Parameters-style template: keys ending in `.$` take the value at a path (`$…` of the state input,
 * `$$…` of the context object); other values are kept. Intrinsic functions are not emulated.
 */
function resolve(template: unknown, input: unknown, context: Record<string, unknown>): unknown {
  if (Array.isArray(template)) return template.map((value) => resolve(value, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      out[key] = resolve(value, input, context);
      continue;
    }
    const path = String(value);
    if (path.startsWith('$$')) out[key.slice(0, -2)] = readPath(context, path.slice(1));
    else if (path.startsWith('$')) out[key.slice(0, -2)] = readPath(input, path);
    else
      throw runtimeError(
        'States.Runtime',
        `the local emulator does not evaluate ${path} in a Distributed Map`,
      );
  }
  return out;
}

function readPath(root: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_-]+)*$/.test(path))
    throw runtimeError('States.Runtime', `the local emulator reads plain paths only, not ${path}`);
  let value = root;
  for (const part of path.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !(part in value))
      throw runtimeError('States.Runtime', `the path ${path} does not exist in the input`);
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function runtimeError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
