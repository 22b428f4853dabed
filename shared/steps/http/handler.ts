import { StepRejected } from '../../components/step-errors';
import { connectionUrl, getConnection } from '../../connections/connections';
import { openCredential } from '../../credentials/credentials';
import { getDeps } from '../../deps';
import { NotFound, ValidationFailed } from '../../errors';
import { checkSettings } from '../../function-settings';
import type { HttpStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { runHttp, stepIdempotencyKey } from './run';
import { settings } from './runtime';

checkSettings(settings);

export const handler = componentHandler<HttpStep>(async (given, scope, state) => {
  const step = await throughConnection(given, state.run.tenantId);
  // The secret is opened here, inside the component, and only reaches the outgoing request's header.
  const bearer = step.credential
    ? (await openCredential(getDeps(), state.run.tenantId, step.credential, 'http_bearer')).token
    : undefined;
  const idempotencyKey = stepIdempotencyKey(state.execution.id, step.id, state.index);
  return {
    output: await runHttp(step, scope, state.run.httpAllowList, { bearerToken: bearer, idempotencyKey }),
  };
});

/** A step that names a connection, as the full step it stands for: its base URL, headers and credential. */
async function throughConnection(step: HttpStep, tenantId: string): Promise<HttpStep> {
  if (!step.connection) return step;
  const connection = await getConnection(getDeps(), tenantId, step.connection).catch((error: unknown) => {
    if (error instanceof NotFound || error instanceof ValidationFailed)
      throw new StepRejected(`connection "${step.connection}" not found`);
    throw error;
  });
  return {
    ...step,
    url: connectionUrl(connection.baseUrl, step.path ?? ''),
    headers: { ...connection.headers, ...step.headers },
    credential: step.credential ?? connection.credential,
  };
}
