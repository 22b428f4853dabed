import { checkSettings } from '../../function-settings';
import type { ScoreStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { score } from './index';
import { runScore } from './run';

checkSettings(score.settings);

export const handler = componentHandler<ScoreStep>(async (step, scope) => ({
  output: runScore(step, scope),
}));
