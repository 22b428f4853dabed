import { runScore } from '../../shared/components/score';
import { checkFunctionSettings } from '../../shared/function-settings';
import type { ScoreStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

checkFunctionSettings('components/score');

export const handler = componentHandler<ScoreStep>(async (step, scope) => ({
  output: runScore(step, scope),
}));
