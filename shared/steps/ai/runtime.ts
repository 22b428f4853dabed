// What the `ai` step type is apart from its schema (index.ts), so that its function and the functions that price,
// fuse or compile runs bundle no zod: the settings its function needs besides TABLE_NAME and RECIPEFLOW_RUNTIME
// (also read by the stacks), its price, and what the compiler reads.
import type { SettingName } from '../../config';
import type { StepDefaults } from '../types';

export const settings = [
  'ARTIFACT_BUCKET',
  'CREDENTIALS_KMS_KEY_ID',
] as const satisfies readonly SettingName[];

/** Credits per attempt of a step (inside a map, per item): the registry's `price`. */
export const price = 5;

/** Runs its own Lambda function (handler.ts) and records a step (the registry's `kind`). */
export const kind = 'task';

/** Its timeout and retry policy unless the step sets them (the registry's `defaults`). */
export const defaults: StepDefaults = {
  timeoutSeconds: 50,
  retry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, jitter: 'full' },
};
