import middy from '@middy/core';
import { getDeps } from '../../shared/deps';
import { type FinalizeEvent, finalizeExecution } from '../../shared/executions/finalize-execution';
import { checkFunctionSettings } from '../../shared/function-settings';

checkFunctionSettings('components/finalize');

export const handler = middy<FinalizeEvent, unknown>().handler((event) =>
  finalizeExecution(getDeps(), event),
);
