// What every step has, whatever its type: an id, and how a failure is retried, timed out and handled.
import * as z from 'zod/mini';

export const STEP_ID = /^[a-z][A-Za-z0-9_]{0,63}$/;
export const stepId = z.string().check(z.regex(STEP_ID, 'must match ^[a-z][A-Za-z0-9_]{0,63}$'));

export const retrySchema = z.strictObject({
  maxAttempts: z.number().check(z.int(), z.minimum(1), z.maximum(10)),
  intervalSeconds: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(3600)), 1),
  backoffRate: z._default(z.number().check(z.minimum(1), z.maximum(10)), 2),
  maxDelaySeconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(86_400))),
  jitter: z._default(z.enum(['full', 'none']), 'none'),
});
export type RetryPolicy = z.infer<typeof retrySchema>;

export const onErrorSchema = z.union([z.enum(['fail', 'continue']), z.strictObject({ goto: stepId })]);

/** The fields every step schema starts with. */
export const base = {
  id: stepId,
  retry: z.optional(retrySchema),
  timeoutSeconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(86_400))),
  onError: z.optional(onErrorSchema),
};

export const stringMap = z.record(z.string(), z.string());
