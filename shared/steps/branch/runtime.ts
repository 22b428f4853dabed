// What a `branch` step type is apart from its schema (index.ts) and its states (compile.ts), so that the
// functions that price, fuse or compile runs bundle no zod (see shared/steps/runtimes.ts).

/** Compiles to a Choice state only (the registry's `kind`). */
export const kind = 'control';

export const defaults = {};

/** Credits per attempt of a step (the registry's `price`): control flow is free. */
export const price = 0;

export const worstCaseSeconds = () => 0;
