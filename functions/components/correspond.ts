import { runCorrespond } from '../../shared/components/correspond';
import { openCredential } from '../../shared/credentials/credentials';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { createTransports, type Transports } from '../../shared/messages/transports';
import type { Step } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

checkFunctionSettings('components/correspond');

let transports: Transports | undefined;

export const handler = componentHandler<Extract<Step, { type: 'correspond' }>>(async (step, scope, state) => {
  const deps = getDeps();
  transports ??= createTransports(deps.config);
  const webhookSecret =
    step.channel === 'webhook' && step.credential
      ? (await openCredential(deps, state.run.tenantId, step.credential, 'webhook_secret')).secret
      : undefined;
  const stepRecordId = state.index === undefined ? step.id : `${step.id}[${state.index}]`;
  return {
    output: await runCorrespond(step, scope, { deps, transports, state, stepRecordId, webhookSecret }),
  };
});
