// One place that builds the process's logger (Powertools for AWS Lambda), and the middy middlewares every
// handler wears. Logs are JSON with the ids that lead to a run (tenantId, executionId, stepId, and the Lambda
// request id); no secret or request body is ever logged. Metrics are EMF with low-cardinality dimensions only
// (step type, trigger), never a tenant or run id (./metrics.ts, imported only by the code that measures, so a
// function that emits none does not load Powertools Metrics).
//
// Locally (RECIPEFLOW_RUNTIME=local) the same calls run: logs are short one-line JSON at WARN unless LOG_LEVEL
// says otherwise, and metrics are not printed (POWERTOOLS_METRICS_DISABLED).
//
// Tracing is X-Ray active tracing on every function and state machine (set by the stacks and at
// CreateStateMachine). Powertools Tracer is not used: importing it (aws-xray-sdk-core) measured ~90 ms of module
// init per cold start (`npm run bench`), to add AWS SDK subsegments the function segments already time.
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type middy from '@middy/core';

export const SERVICE = 'recipeflow';
const local = process.env.RECIPEFLOW_RUNTIME !== 'cloud';

/** Locally: time, level, message and the ids, on one line; no Lambda context noise. */
class LocalFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        time: attributes.timestamp.toISOString().slice(11, 23),
        level: attributes.logLevel,
        message: attributes.message,
      },
    }).addAttributes(additional);
  }
}

export const logger = new Logger({
  serviceName: SERVICE,
  logLevel: (process.env.LOG_LEVEL ?? (local ? 'WARN' : 'INFO')) as never,
  ...(local ? { logFormatter: new LocalFormatter() } : {}),
});

/** What runs after every call: the metrics module (./metrics.ts) adds its flush when a function imports it. */
const afterEachCall: Array<() => void> = [];

export function afterEveryCall(work: () => void): void {
  afterEachCall.push(work);
}

/**
 * The middlewares every Lambda handler wears: logger context (keys reset per call), then what afterEveryCall
 * added.
 */
export function observed(): middy.MiddlewareObj[] {
  const after = () => {
    for (const work of afterEachCall) work();
  };
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    { after, onError: after },
  ] as middy.MiddlewareObj[];
}
