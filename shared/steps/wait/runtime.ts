// What a `wait` step type is apart from its schema (index.ts) and its states (compile.ts), so that the
// functions that price, fuse or compile runs bundle no zod (see shared/steps/runtimes.ts).
import type { StepConfig } from '../types';

/** Compiles to a Wait state only (the registry's `kind`). */
export const kind = 'control';

export const defaults = {};

/** Credits per attempt of a step (the registry's `price`): control flow is free. */
export const price = 0;

/** A run that waits runs as a Standard workflow. */
export const pauses = true;

export const worstCaseSeconds = (step: StepConfig) =>
  step.seconds === undefined ? Number.POSITIVE_INFINITY : Number(step.seconds);
