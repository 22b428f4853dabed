import { runAi } from '../../shared/components/ai';
import { getDeps } from '../../shared/deps';
import type { AiStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

export const handler = componentHandler<AiStep>(async (step, scope, state) => {
  const { config } = getDeps();
  const result = await runAi(step, scope, {
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    defaults: state.run.ai,
  });
  return {
    output: result.output,
    usage: { provider: result.provider, model: result.model, ...result.usage },
  };
});
