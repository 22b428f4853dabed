import { openCredential } from '../../credentials/credentials';
import { getDeps } from '../../deps';
import { checkSettings } from '../../function-settings';
import type { HttpStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { http } from './index';
import { runHttp, stepIdempotencyKey } from './run';

checkSettings(http.settings);

export const handler = componentHandler<HttpStep>(async (step, scope, state) => {
  // The secret is opened here, inside the component, and only reaches the outgoing request's header.
  const bearer = step.credential
    ? (await openCredential(getDeps(), state.run.tenantId, step.credential, 'http_bearer')).token
    : undefined;
  const idempotencyKey = stepIdempotencyKey(state.execution.id, step.id, state.index);
  return {
    output: await runHttp(step, scope, state.run.httpAllowList, { bearerToken: bearer, idempotencyKey }),
  };
});
