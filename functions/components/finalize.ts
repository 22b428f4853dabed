import middy from '@middy/core';
import { getDeps } from '../../shared/deps';
import { type FinalizeEvent, finalizeExecution } from '../../shared/executions/finalize-execution';

export const handler = middy<FinalizeEvent, unknown>().handler((event) =>
  finalizeExecution(getDeps(), event),
);
