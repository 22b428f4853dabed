import { checkSettings } from '../../function-settings';
import { componentHandler } from '../component-handler';
import { stateComponent } from '../fused-components';
import type { StateStep } from './index';
import { settings } from './runtime';

checkSettings(settings);

export const handler = componentHandler<StateStep>(stateComponent);
