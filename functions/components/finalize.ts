import middy from '@middy/core';
import { type GroupEvent, isGroupEvent, runGroup } from '../../shared/components/group-runner';
import { getDeps } from '../../shared/deps';
import { type FinalizeEvent, finalizeExecution } from '../../shared/executions/finalize-execution';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';
import { fusedComponents } from '../../shared/steps/fused-components';

checkFunctionSettings('components/finalize');

// Finalize alone, or joined to the run's last steps when they are all fusable (one invocation for both).
export const handler = middy<FinalizeEvent | GroupEvent, unknown>()
  .use(observed())
  .handler((event) =>
    isGroupEvent(event) ? runGroup(getDeps(), event, fusedComponents) : finalizeExecution(getDeps(), event),
  );
