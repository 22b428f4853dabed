// What a decision's body may hold (POST /v1/reviews/{id}/decision); apart from reviews.ts so that the review
// step's function, which stores reviews, bundles no zod.
import * as z from 'zod';

export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    edits: z.record(z.string(), z.unknown()).optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export type Decision = z.infer<typeof decisionSchema>;
