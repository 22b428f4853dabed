// What a decision's body may hold (POST /v1/reviews/{id}/decision); apart from reviews.ts so that the review
// step's function, which stores reviews, bundles no zod.
import * as z from 'zod/mini';

export const decisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  edits: z.optional(z.record(z.string(), z.unknown())),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});

export type Decision = z.infer<typeof decisionSchema>;
