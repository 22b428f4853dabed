// What the `correspond` step's function reads at run time, apart from its schema (index.ts), so that its handler
// bundles no zod: the settings it needs besides TABLE_NAME and RECIPEFLOW_RUNTIME (also read by the stacks),
// and its price.
import type { SettingName } from '../../config';

export const settings = [
  'ARTIFACT_BUCKET',
  'CREDENTIALS_KMS_KEY_ID',
  'EMAIL_FROM',
] as const satisfies readonly SettingName[];

/** Credits per attempt of a step (inside a map, per item): the registry's `price`. */
export const price = 2;
