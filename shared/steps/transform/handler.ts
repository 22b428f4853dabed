import { checkSettings } from '../../function-settings';
import type { TransformStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { transformComponent } from '../fused-components';
import { transform } from './index';

checkSettings(transform.settings);

export const handler = componentHandler<TransformStep>(transformComponent);
