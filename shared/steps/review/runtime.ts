// What the `review` step type is apart from its schema (index.ts) and its states (compile.ts), so that its
// function and the functions that price, fuse or compile runs bundle no zod: the settings its function needs
// besides TABLE_NAME and RECIPEFLOW_RUNTIME (also read by the stacks), its price, and what the compiler reads.
import type { SettingName } from '../../config';

export const settings = ['ARTIFACT_BUCKET'] as const satisfies readonly SettingName[];

/** How long a review waits for a person unless its step says otherwise (24 h). */
export const REVIEW_TIMEOUT_SECONDS = 86_400;

/** Credits per attempt of a step (inside a map, per item): the registry's `price`. */
export const price = 1;

/** A Lambda that hands out a task token, and a state that waits for it (the registry's `kind`). */
export const kind = 'callback';

export const defaults = { timeoutSeconds: REVIEW_TIMEOUT_SECONDS };

/** A run that waits for a person runs as a Standard workflow. */
export const pauses = true;

export const worstCaseSeconds = () => Number.POSITIVE_INFINITY;
