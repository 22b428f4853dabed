import { runScore } from '../../shared/components/score';
import type { ScoreStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

export const handler = componentHandler<ScoreStep>(async (step, scope) => ({
  output: runScore(step, scope),
}));
