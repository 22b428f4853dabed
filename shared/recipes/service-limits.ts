// The Step Functions service's own rules, checked when a recipe is saved so that what the cloud would refuse
// is a 422 naming the field instead of a failed CreateStateMachine (or a run that dies) later. The local
// Step Functions endpoint refuses the same CreateStateMachine input.
import { type FieldError, ValidationFailed } from '../errors';
import { mapsOverArtifact } from '../steps/map/items';
import { type Asl, EXPRESS_MAX_SECONDS, worstCaseSeconds } from './recipe-compiler';
import type { RecipeDefinition } from './recipe-schema';

/** CreateStateMachine's limits on the definition and the name. */
export const MAX_DEFINITION_BYTES = 1_048_576;
export const MAX_STATE_MACHINE_NAME = 80;

export function checkServiceLimits(
  recipe: RecipeDefinition,
  compiled: { asl: Asl; engine: 'STANDARD' | 'EXPRESS'; name: string },
): void {
  const errors: FieldError[] = [];
  if (compiled.engine === 'EXPRESS') {
    recipe.steps.forEach((step, i) => {
      if (step.type === 'review') {
        errors.push({
          path: `steps[${i}].type`,
          message:
            'a review waits for a person (.waitForTaskToken), which Express workflows do not support; use mode "standard" or "auto"',
        });
      } else if (step.type === 'wait' && step.until !== undefined) {
        errors.push({
          path: `steps[${i}].until`,
          message: `an Express run ends after ${EXPRESS_MAX_SECONDS} seconds, so it cannot wait until a time; use mode "standard" or "auto"`,
        });
      }
    });
    recipe.steps.forEach((step, i) => {
      if (step.type === 'map' && mapsOverArtifact(step.items))
        errors.push({
          path: `steps[${i}].items`,
          message:
            'a map over an artifact runs as a Distributed Map, which only Standard workflows run; use mode "standard" or "auto"',
        });
    });
    const worst = worstCaseSeconds(recipe.steps);
    if (errors.length === 0 && worst > EXPRESS_MAX_SECONDS) {
      errors.push({
        path: 'mode',
        message: `Express runs end after ${EXPRESS_MAX_SECONDS} seconds, and this recipe may run ${worst} seconds (every attempt to its timeout); lower timeouts, retries or maxItems, or use mode "standard" or "auto"`,
      });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(compiled.asl));
  if (bytes > MAX_DEFINITION_BYTES) {
    errors.push({
      path: 'steps',
      message: `the compiled state machine is ${bytes} bytes; Step Functions accepts at most ${MAX_DEFINITION_BYTES}`,
    });
  }
  if (compiled.name.length > MAX_STATE_MACHINE_NAME) {
    errors.push({
      path: 'name',
      message: `state machine names have at most ${MAX_STATE_MACHINE_NAME} characters`,
    });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
}
