// EventBridge "Step Functions Execution Status Change" (FAILED, TIMED_OUT, ABORTED) → settle the execution.
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { getDeps } from '../../shared/deps';
import {
  type ExecutionStatusChange,
  reconcileStoppedExecution,
} from '../../shared/executions/reconcile-execution';

export const handler = middy<
  EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>,
  void
>().handler(async (event) => {
  await reconcileStoppedExecution(getDeps(), event.detail);
});
