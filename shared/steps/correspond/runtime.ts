// What the `correspond` step's function reads at run time, apart from its schema (index.ts), so that its handler
// bundles no zod: the settings it needs besides TABLE_NAME and RECIPEFLOW_RUNTIME (also read by the stacks).
import type { SettingName } from '../../config';

export const settings = [
  'ARTIFACT_BUCKET',
  'CREDENTIALS_KMS_KEY_ID',
  'EMAIL_FROM',
] as const satisfies readonly SettingName[];
