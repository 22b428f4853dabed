import { runHttp, stepIdempotencyKey } from '../../shared/components/http';
import { openCredential } from '../../shared/credentials/credentials';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import type { HttpStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

checkFunctionSettings('components/http');

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
