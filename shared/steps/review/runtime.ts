// What the `review` step's function reads at run time, apart from its schema (index.ts), so that its handler
// bundles no zod: the settings it needs besides TABLE_NAME and RECIPEFLOW_RUNTIME (also read by the stacks),
// and its price.
import type { SettingName } from '../../config';

export const settings = ['ARTIFACT_BUCKET'] as const satisfies readonly SettingName[];

/** How long a review waits for a person unless its step says otherwise (24 h). */
export const REVIEW_TIMEOUT_SECONDS = 86_400;

/** Credits per attempt of a step (inside a map, per item): the registry's `price`. */
export const price = 1;
