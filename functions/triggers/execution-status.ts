// Runs that end without reaching Finalize → settle the execution. Three sources: EventBridge "Step Functions
// Execution Status Change" (FAILED, TIMED_OUT, ABORTED) for Standard workflows, the CloudWatch Logs
// subscription on the state machines' execution log for Express workflows, which send no such events, and a
// scheduled sweep of unfinished runs against the engine for what both can miss (a lost event, a crash).
import { gunzipSync } from 'node:zlib';
import middy from '@middy/core';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, EventBridgeEvent } from 'aws-lambda';
import { getDeps } from '../../shared/deps';
import {
  type ExecutionLogEvent,
  type ExecutionStatusChange,
  reconcileFromExecutionLog,
  reconcileStoppedExecution,
} from '../../shared/executions/reconcile-execution';
import { type SweepRequest, sweepRequested } from '../../shared/executions/sweep-executions';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';

checkFunctionSettings('triggers/execution-status');

type StatusChange = EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>;

export const handler = middy<StatusChange | CloudWatchLogsEvent | SweepRequest, void>()
  .use(observed())
  .handler(async (event) => {
    const deps = getDeps();
    if ('sweep' in event) {
      await sweepRequested(deps, event);
      return;
    }
    if (!('awslogs' in event)) {
      await reconcileStoppedExecution(deps, event.detail);
      return;
    }
    const decoded = JSON.parse(
      gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'),
    ) as CloudWatchLogsDecodedData;
    if (decoded.messageType !== 'DATA_MESSAGE') return; // the control message sent when the subscription starts
    for (const line of decoded.logEvents) {
      await reconcileFromExecutionLog(deps, JSON.parse(line.message) as ExecutionLogEvent);
    }
  });
