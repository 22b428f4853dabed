import middy from '@middy/core';
import { type GroupEvent, isGroupEvent, runGroup } from '../../shared/components/group-runner';
import { type BatchEvent, isBatchEvent, runBatch } from '../../shared/components/map-batch';
import { getDeps } from '../../shared/deps';
import { type FinalizeEvent, finalizeExecution } from '../../shared/executions/finalize-execution';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';
import { fusedComponents } from '../../shared/steps/fused-components';

checkFunctionSettings('components/finalize');

// Finalize alone, or joined to the run's last steps when they are all fusable (one invocation for both); also a
// batch of a map's items when its steps are all fusable.
export const handler = middy<FinalizeEvent | GroupEvent | BatchEvent, unknown>()
  .use(observed())
  .handler((event) => {
    if (isBatchEvent(event)) return runBatch(getDeps(), event, fusedComponents);
    return isGroupEvent(event)
      ? runGroup(getDeps(), event, fusedComponents)
      : finalizeExecution(getDeps(), event);
  });
