// A `wait` step's state, apart from its schema (index.ts), so that the functions that compile recipes bundle no
// zod (see shared/steps/compilers.ts).
import { jsonPath } from '../../recipes/choice-rules';
import type { StepCompile } from '../types';

/** A Wait state: for `seconds`, or until `until` (a time, or one template naming one in the state). */
export const compile: StepCompile = (step, next) => {
  if (step.seconds !== undefined) return { Type: 'Wait', Seconds: step.seconds, Next: next };
  const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(String(step.until ?? ''));
  if (whole?.[1]) return { Type: 'Wait', TimestampPath: jsonPath(whole[1]), Next: next };
  return { Type: 'Wait', Timestamp: step.until, Next: next };
};
