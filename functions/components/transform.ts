import { runTransform } from '../../shared/components/transform';
import type { TransformStep } from '../../shared/recipes/recipe-schema';
import { componentHandler } from './component-handler';

export const handler = componentHandler<TransformStep>(async (step, scope) => ({
  output: runTransform(step, scope),
}));
