import { checkSettings } from '../../function-settings';
import { componentHandler } from '../component-handler';
import { stateComponent } from '../fused-components';
import { type StateStep, state } from './index';

checkSettings(state.settings);

export const handler = componentHandler<StateStep>(stateComponent);
