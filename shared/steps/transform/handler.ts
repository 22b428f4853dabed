import { checkSettings } from '../../function-settings';
import type { TransformStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { transformComponent } from '../fused-components';
import { settings } from './runtime';

checkSettings(settings);

export const handler = componentHandler<TransformStep>(transformComponent);
