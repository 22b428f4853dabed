import { runTransform } from '../../shared/components/transform';
import { checkFunctionSettings } from '../../shared/function-settings';
import type { TransformStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

checkFunctionSettings('components/transform');

export const handler = componentHandler<TransformStep>(async (step, scope) => ({
  output: runTransform(step, scope),
}));
