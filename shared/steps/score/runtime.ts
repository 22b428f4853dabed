// What the `score` step's function reads at run time, apart from its schema (index.ts), so that its handler
// bundles no zod: the settings it needs besides TABLE_NAME and RECIPEFLOW_RUNTIME (also read by the stacks),
// its price, and when a step of it may be fused with its neighbours (the registry's `fusable`).
import type { SettingName } from '../../config';

export const settings = ['ARTIFACT_BUCKET'] as const satisfies readonly SettingName[];

export const fusable = () => true;

/** Credits per attempt of a step (inside a map, per item): the registry's `price`. */
export const price = 1;
