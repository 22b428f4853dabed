import { checkSettings } from '../../function-settings';
import type { TransformStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { transform } from './index';
import { runTransform } from './run';

checkSettings(transform.settings);

export const handler = componentHandler<TransformStep>(async (step, scope) => ({
  output: runTransform(step, scope),
}));
