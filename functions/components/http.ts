import { runHttp } from '../../shared/components/http';
import type { HttpStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

export const handler = componentHandler<HttpStep>(async (step, scope, state) => ({
  output: await runHttp(step, scope, state.run.httpAllowList),
}));
