import { getDeps } from '../../deps';
import { checkSettings } from '../../function-settings';
import { componentHandler } from '../component-handler';
import { type StateStep, state } from './index';
import { runState } from './run';

checkSettings(state.settings);

export const handler = componentHandler<StateStep>(async (step, scope, run) => ({
  output: await runState(getDeps(), run.run.tenantId, step, scope),
}));
