import { StepRejected } from '../../components/step-errors';
import { openCredential } from '../../credentials/credentials';
import { getDeps } from '../../deps';
import { checkSettings } from '../../function-settings';
import type { AiStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { aiCostUsd } from './prices';
import { providerOf } from './providers/registry';
import { providerName, runAi } from './run';
import { settings } from './runtime';

checkSettings(settings);

export const handler = componentHandler<AiStep>(async (step, scope, state) => {
  const deps = getDeps();
  // A step's own credential (an OpenAI-compatible key and base URL) wins over the platform's; a provider that
  // takes none (bedrock: the function's role) is given none.
  const provider = providerOf(providerName(step, state.run.ai));
  const credential =
    step.credential && provider?.credentialType
      ? await openCredential(deps, state.run.tenantId, step.credential, provider.credentialType)
      : { apiKey: deps.config.OPENAI_API_KEY, baseUrl: deps.config.OPENAI_BASE_URL };
  if (step.credential && provider && !provider.credentialType)
    throw new StepRejected(`the ${provider.name} provider takes no credential`);
  const result = await runAi(step, scope, {
    config: deps.config,
    apiKey: credential.apiKey,
    baseUrl: credential.baseUrl,
    defaults: state.run.ai,
  });
  const costUsd = aiCostUsd(
    result.model,
    result.provider,
    result.usage.promptTokens,
    result.usage.completionTokens,
  );
  return {
    output: result.output,
    usage: {
      provider: result.provider,
      model: result.model,
      ...result.usage,
      ...(costUsd === null ? {} : { costUsd }),
    },
  };
});
