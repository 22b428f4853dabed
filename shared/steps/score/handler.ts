import { checkSettings } from '../../function-settings';
import type { ScoreStep } from '../../recipes/recipe-schema';
import { componentHandler } from '../component-handler';
import { scoreComponent } from '../fused-components';
import { settings } from './runtime';

checkSettings(settings);

export const handler = componentHandler<ScoreStep>(scoreComponent);
