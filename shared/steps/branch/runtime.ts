// What a `branch` step costs, apart from its schema (index.ts), so that the functions that price runs bundle no
// zod (see shared/steps/runtimes.ts).

/** Credits per attempt of a step (the registry's `price`): control flow is free. */
export const price = 0;
