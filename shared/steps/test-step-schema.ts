// What POST /v1/steps/test's body may hold; apart from test-step.ts, which runs the step with the step registry's
// schemas, so that the steps function loads those only to test a step.
import * as z from 'zod/mini';

// `step` is checked by the step schema inside testStep (with errors under `step.`): the recursive step union is
// not something the OpenAPI generator can describe, so the body documents it as an object.
export const stepTestSchema = z.strictObject({
  step: z.record(z.string(), z.unknown()),
  input: z._default(z.unknown(), {}),
  /** Earlier steps' results the step's templates read: `{ "<id>": { "output": … } }`. */
  steps: z._default(z.record(z.string(), z.strictObject({ output: z.unknown() })), {}),
  /** Inside a map: the item and its index. */
  item: z.optional(z.unknown()),
  index: z.optional(z.number().check(z.int(), z.minimum(0))),
});

export type StepTestRequest = z.infer<typeof stepTestSchema>;
