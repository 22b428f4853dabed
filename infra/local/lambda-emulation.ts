// What the Step Functions service adds around a `lambda:invoke` Task that aws-local-stepfunctions (an ASL
// interpreter) does not: the invoke envelope, $$.State.RetryCount per attempt, Lambda-shaped errors, and the
// context object. Kept in one module and tested against the same ASL the CDK stack deploys.
import { createHash, randomBytes } from 'node:crypto';

export type InvokeFunction = (functionName: string, payload: unknown) => Promise<unknown>;

export interface TaskHooks {
  /** Registers a fresh task token and resolves with SendTaskSuccess's output (or rejects with its failure). */
  waitForToken: (token: string, timeoutSeconds: number | undefined) => Promise<unknown>;
  /** Forgets a token whose task failed before it could wait. */
  release?: (token: string) => void;
  /** Called as each Task starts, with the state's input (the emulator persists it as the resume point). */
  onTaskStart?: (stateName: string, stateInput: unknown) => void;
}
type AslStates = Record<string, Record<string, unknown>>;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Every Task state (also inside Map iterators) that invokes a Lambda function, with its Payload template. */
interface LambdaTask {
  name: string;
  payloadTemplate: Record<string, unknown>;
  waitsForToken: boolean;
  timeoutSeconds?: number;
}

export function lambdaTasks(states: AslStates): LambdaTask[] {
  const found: LambdaTask[] = [];
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && String(state.Resource).startsWith(LAMBDA_INVOKE)) {
      const parameters = (state.Parameters ?? {}) as { Payload?: Record<string, unknown> };
      found.push({
        name,
        payloadTemplate: parameters.Payload ?? {},
        waitsForToken: String(state.Resource).endsWith('.waitForTaskToken'),
        timeoutSeconds: state.TimeoutSeconds as number | undefined,
      });
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: AslStates } | undefined;
    if (processor?.States) found.push(...lambdaTasks(processor.States));
  }
  return found;
}

/**
 * Builds aws-local-stepfunctions `taskResourceLocalHandlers` for one execution. Each handler receives the
 * state's resolved Parameters, invokes the function with `Payload` and returns `{ StatusCode, Payload }` as
 * the real integration does. Retries arrive with identical input, so attempts are counted per (state, input).
 */
export function taskOverrides(states: AslStates, invoke: InvokeFunction, hooks?: TaskHooks) {
  const attempts = new Map<string, number>();
  const overrides: Record<string, (parameters: unknown) => Promise<unknown>> = {};
  const topLevel = new Set(Object.keys(states));
  for (const { name, payloadTemplate, waitsForToken, timeoutSeconds } of lambdaTasks(states)) {
    const fieldsFrom = (path: string) =>
      Object.entries(payloadTemplate)
        .filter(([key, value]) => key.endsWith('.$') && value === path)
        .map(([key]) => key.slice(0, -2));
    const retryFields = fieldsFrom('$$.State.RetryCount');
    const tokenFields = fieldsFrom('$$.Task.Token');
    overrides[name] = async (parameters) => {
      const { FunctionName, Payload } = parameters as {
        FunctionName: string;
        Payload: Record<string, unknown>;
      };
      if (topLevel.has(name) && 'state' in Payload) hooks?.onTaskStart?.(name, Payload.state);
      const key = `${name}:${createHash('sha1').update(JSON.stringify(Payload)).digest('hex')}`;
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const payload = { ...Payload };
      for (const field of retryFields) payload[field] = attempt;
      // The service issues a new token for every wait; the interpreter's context has none.
      const token = randomBytes(48).toString('base64url');
      for (const field of tokenFields) payload[field] = token;
      const waiting = waitsForToken && hooks ? hooks.waitForToken(token, timeoutSeconds) : undefined;
      let result: unknown;
      try {
        result = await invoke(FunctionName, payload);
      } catch (error) {
        hooks?.release?.(token);
        throw lambdaError(error);
      }
      // A waiting task ends with SendTaskSuccess's output, or fails with SendTaskFailure's error and cause.
      if (waiting) return await waiting;
      assertWithinStateLimit(result);
      return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: result };
    };
  }
  return overrides;
}

/**
 * What a Task that names no TimeoutSeconds gets locally: the service waits for it without limit (its function's
 * own timeout ends it), the interpreter fails it after 60 seconds. The longest Node keeps one timer (~24.8 days)
 * is as close as the interpreter's timer allows; a restarted runtime starts its timers again.
 */
export const SERVICE_TASK_TIMEOUT = Math.floor((2 ** 31 - 1) / 1000);

/**
 * A copy of the States (Map processors included) where every Task without a timeout has the service's
 * default instead of the interpreter's 60 seconds: a Task then waits as long as its function runs, as in the
 * cloud, where the function's own timeout ends it.
 */
export function withServiceTaskTimeouts(states: AslStates): AslStates {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      const processor = (state.ItemProcessor ?? state.Iterator) as { States?: AslStates } | undefined;
      if (processor?.States) {
        const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
        return [
          name,
          { ...state, [key]: { ...processor, States: withServiceTaskTimeouts(processor.States) } },
        ];
      }
      const timed = state.Type !== 'Task' || 'TimeoutSeconds' in state || 'TimeoutSecondsPath' in state;
      return [name, timed ? state : { ...state, TimeoutSeconds: SERVICE_TASK_TIMEOUT }];
    }),
  );
}

/** The service fails a task whose result exceeds 256 KiB (UTF-8); the interpreter does not check it. */
export const STATE_LIMIT_BYTES = 256 * 1024;
function assertWithinStateLimit(result: unknown): void {
  if (Buffer.byteLength(JSON.stringify(result ?? null)) > STATE_LIMIT_BYTES) {
    const error = new Error(
      'The state/task returned a result with a size exceeding the maximum number of bytes service limit.',
    );
    error.name = 'States.DataLimitExceeded';
    throw error;
  }
}

// A function error reaches Step Functions as Error = errorType, Cause = the Lambda error JSON.
function lambdaError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const shaped = new Error(
    JSON.stringify({ errorType: original.name, errorMessage: original.message, trace: [] }),
  );
  shaped.name = original.name;
  return shaped;
}

/** The context object the service provides and the interpreter does not. */
export function contextObject(input: {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  startTime: string;
  executionInput: unknown;
}) {
  return {
    Execution: {
      Id: input.executionArn,
      Name: input.name,
      Input: input.executionInput,
      StartTime: input.startTime,
      RoleArn: 'arn:aws:iam::000000000000:role/recipeflow-state-machine',
    },
    StateMachine: { Id: input.stateMachineArn, Name: input.stateMachineName },
    State: { RetryCount: 0 },
    // A placeholder: the task override puts a fresh token in every waiting task's payload.
    Task: { Token: 'token-issued-by-the-task-override' },
  };
}
