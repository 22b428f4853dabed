// Creates (or finds) the state machine of a recipe version through the Step Functions API.
import { sfnOf } from '../clients/sfn';
import { setting } from '../config';
import type { Deps } from '../deps';
import { ValidationFailed } from '../errors';
import {
  type Asl,
  type ComponentName,
  chooseEngine,
  compileRecipe,
  resumeFrom,
  stateMachineName,
} from './recipe-compiler';
import type { RecipeDefinition } from './recipe-schema';
import { checkServiceLimits } from './service-limits';

export function componentArn(deps: Pick<Deps, 'config'>) {
  return (component: ComponentName) => `${setting(deps.config, 'COMPONENT_ARN_PREFIX')}${component}`;
}

export function compileForDeployment(deps: Pick<Deps, 'config'>, recipe: RecipeDefinition) {
  const asl: Asl = compileRecipe(recipe, { componentArn: componentArn(deps) });
  const engine = chooseEngine(recipe);
  return { asl, engine, name: stateMachineName(asl, engine) };
}

/** The name of the state machine that resumes a version's runs at `resumeAt` (what a redrive runs on). */
export function resumeMachineName(deps: Pick<Deps, 'config'>, recipe: RecipeDefinition, resumeAt: string) {
  const compiled = compileForDeployment(deps, recipe);
  return stateMachineName(resumeFrom(compiled.asl, resumeAt), compiled.engine);
}

/** CreateStateMachine is idempotent for an identical name, definition, role and type, so this finds a shared one. */
export async function ensureStateMachine(deps: Deps, recipe: RecipeDefinition, resumeAt?: string) {
  const compiled = compileForDeployment(deps, recipe);
  checkServiceLimits(recipe, compiled); // 422 for what the service would refuse
  const asl = resumeAt ? resumeFrom(compiled.asl, resumeAt) : compiled.asl;
  const { engine } = compiled;
  const name = stateMachineName(asl, engine);
  const sfn = await sfnOf(deps);
  const result = await sfn.client
    .send(
      new sfn.CreateStateMachineCommand({
        name,
        definition: JSON.stringify(asl),
        roleArn: setting(deps.config, 'STATE_MACHINE_ROLE_ARN'),
        type: engine,
        // X-Ray traces every run; the state machine role may put trace segments.
        tracingConfiguration: { enabled: true },
        // Execution errors go to the log group whose subscription settles runs that end without Finalize
        // (Express workflows send no status-change events). ERROR level: one line per failed run, no data.
        // Required: without it an Express run that ends early would never be settled.
        loggingConfiguration: {
          level: 'ERROR',
          includeExecutionData: false,
          destinations: [
            { cloudWatchLogsLogGroup: { logGroupArn: setting(deps.config, 'STATE_MACHINE_LOG_GROUP_ARN') } },
          ],
        },
      }),
    )
    .catch((error: Error) => {
      // The service's own check of the compiled definition: the recipe, not the platform, is at fault.
      if (error.name === 'InvalidDefinition')
        throw new ValidationFailed([
          { path: 'steps', message: `Step Functions refused the recipe: ${error.message}` },
        ]);
      throw error;
    });
  return { stateMachineArn: result.stateMachineArn!, engine, name };
}
