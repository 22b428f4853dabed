import { openCredential } from '../../credentials/credentials';
import { getDeps } from '../../deps';
import { checkSettings } from '../../function-settings';
import { createTransports, type Transports } from '../../messages/transports';
import type { Step } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { runCorrespond } from './run';
import { settings } from './runtime';

checkSettings(settings);

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
