import { aiCostUsd } from '../../components/ai-prices';
import { openCredential } from '../../credentials/credentials';
import { getDeps } from '../../deps';
import { checkSettings } from '../../function-settings';
import type { AiStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { ai } from './index';
import { runAi } from './run';

checkSettings(ai.settings);

export const handler = componentHandler<AiStep>(async (step, scope, state) => {
  const deps = getDeps();
  // A step's own credential (an OpenAI-compatible key and base URL) wins over the platform's.
  const credential = step.credential
    ? await openCredential(deps, state.run.tenantId, step.credential, 'openai')
    : { apiKey: deps.config.OPENAI_API_KEY, baseUrl: deps.config.OPENAI_BASE_URL };
  const result = await runAi(step, scope, {
    apiKey: credential.apiKey,
    baseURL: credential.baseUrl,
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
