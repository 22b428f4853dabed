// What the Step Functions service adds around a `lambda:invoke` Task that aws-local-stepfunctions (an ASL
// interpreter) does not: the invoke envelope, $$.State.RetryCount per attempt, Lambda-shaped errors, and the
// context object. Kept in one module and tested against the same ASL the CDK stack deploys.
import { createHash } from 'node:crypto';

export type InvokeFunction = (functionName: string, payload: unknown) => Promise<unknown>;
type AslStates = Record<string, Record<string, unknown>>;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Every Task state (also inside Map iterators) that invokes a Lambda function, with its Payload template. */
export function lambdaTasks(
  states: AslStates,
): Array<{ name: string; payloadTemplate: Record<string, unknown> }> {
  const found: Array<{ name: string; payloadTemplate: Record<string, unknown> }> = [];
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && String(state.Resource).startsWith(LAMBDA_INVOKE)) {
      const parameters = (state.Parameters ?? {}) as { Payload?: Record<string, unknown> };
      found.push({ name, payloadTemplate: parameters.Payload ?? {} });
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
export function taskOverrides(states: AslStates, invoke: InvokeFunction) {
  const attempts = new Map<string, number>();
  const overrides: Record<string, (parameters: unknown) => Promise<unknown>> = {};
  for (const { name, payloadTemplate } of lambdaTasks(states)) {
    const retryFields = Object.entries(payloadTemplate)
      .filter(([key, value]) => key.endsWith('.$') && value === '$$.State.RetryCount')
      .map(([key]) => key.slice(0, -2));
    overrides[name] = async (parameters) => {
      const { FunctionName, Payload } = parameters as {
        FunctionName: string;
        Payload: Record<string, unknown>;
      };
      const key = `${name}:${createHash('sha1').update(JSON.stringify(Payload)).digest('hex')}`;
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const payload = { ...Payload };
      for (const field of retryFields) payload[field] = attempt;
      try {
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: await invoke(FunctionName, payload) };
      } catch (error) {
        throw lambdaError(error);
      }
    };
  }
  return overrides;
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
  };
}
