// Test instrumentation for the IAM check: with RECIPEFLOW_RECORD_CALLS=<file>, every AWS SDK call made inside a
// function invocation is appended to that file as one JSON line (function, client, command, and the input
// fields that name its resources). The CDK test then proves that each function's role grants each call it
// made. Off unless the variable is set (never in the cloud), and it records names, never values or secrets.
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';

const invocation = new AsyncLocalStorage<string>();
const seen = new Set<string>();

/** Runs a handler invocation as the named function, so the calls it makes are attributed to it. */
export function asFunction<T>(functionName: string, run: () => T): T {
  return invocation.run(functionName, run);
}

interface Stackable {
  middlewareStack: { add: (middleware: never, options: { step: 'initialize'; name: string }) => void };
}

const RESOURCE_FIELDS = [
  'TableName',
  'IndexName',
  'Bucket',
  'Key',
  'stateMachineArn',
  'executionArn',
  'name',
  'roleArn',
  'Name',
  'GroupName',
  'KeyId',
  'SecretId',
  'TopicArn',
  'PhoneNumber',
  'FunctionName',
  'modelId',
] as const;

/** Adds the recording middleware to a client when recording is on; returns the client. */
export function recordCalls<C>(client: C): C {
  const file = process.env.RECIPEFLOW_RECORD_CALLS;
  if (!file) return client;
  (client as Stackable).middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
      async (args: { input?: Record<string, unknown> }) => {
        const fn = invocation.getStore();
        if (fn)
          write(file, {
            fn,
            client: context.clientName,
            command: context.commandName,
            input: names(args.input),
          });
        return next(args);
      }) as never,
    { step: 'initialize', name: 'recipeflowCallRecorder' },
  );
  return client;
}

function names(input: Record<string, unknown> = {}) {
  const picked: Record<string, unknown> = {};
  for (const field of RESOURCE_FIELDS) if (typeof input[field] === 'string') picked[field] = input[field];
  const target = input.Target as { RoleArn?: string } | undefined;
  if (target?.RoleArn) picked.TargetRoleArn = target.RoleArn;
  // A transaction is authorised item by item: keep each item's kind and table.
  const items = input.TransactItems as Array<Record<string, { TableName?: string }>> | undefined;
  if (items) {
    picked.TransactItems = items.map((item) => {
      const [kind, body] = Object.entries(item)[0] ?? [];
      return { kind, TableName: body?.TableName };
    });
  }
  return picked;
}

function write(file: string, call: Record<string, unknown>) {
  const line = JSON.stringify(call);
  if (seen.has(line)) return;
  seen.add(line);
  appendFileSync(file, `${line}\n`);
}
