// What every step has, whatever its type: an id, and how a failure is retried, timed out and handled.
import * as z from 'zod';

export const STEP_ID = /^[a-z][A-Za-z0-9_]{0,63}$/;
export const stepId = z.string().regex(STEP_ID, 'must match ^[a-z][A-Za-z0-9_]{0,63}$');

export const retrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10),
    intervalSeconds: z.number().int().min(1).max(3600).default(1),
    backoffRate: z.number().min(1).max(10).default(2),
    maxDelaySeconds: z.number().int().min(1).max(86_400).optional(),
    jitter: z.enum(['full', 'none']).default('none'),
  })
  .strict();
export type RetryPolicy = z.infer<typeof retrySchema>;

export const onErrorSchema = z.union([z.enum(['fail', 'continue']), z.object({ goto: stepId }).strict()]);

/** The fields every step schema starts with. */
export const base = {
  id: stepId,
  retry: retrySchema.optional(),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  onError: onErrorSchema.optional(),
};

export const stringMap = z.record(z.string(), z.string());
