// A minimal Lambda context object for handlers invoked in-process, and the invocation itself.
import { randomUUID } from 'node:crypto';
import { asFunction } from '../../shared/observability/call-recorder';

/** Invokes a handler as Lambda would: with its context, its AWS calls attributed to the function. */
export function invokeAs<E, R>(
  functionName: string,
  handler: (event: E, context: never) => Promise<R>,
  event: E,
) {
  return asFunction(functionName, () => handler(event, lambdaContext(functionName) as never));
}

export function lambdaContext(functionName: string, timeoutMs = 900_000) {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}
