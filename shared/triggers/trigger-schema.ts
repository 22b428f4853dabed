// What a trigger's body may hold (POST /v1/triggers); apart from triggers.ts so that the upload function, which
// reads triggers, bundles no zod.
import * as z from 'zod';
import { isSafeName, NAME_MESSAGE } from '../artifacts/file-names';

export const triggerInputSchema = z
  .object({
    recipeId: z.string().min(1).max(100),
    /**
     * Uploads whose filename starts with this ("leads-", "incoming/") start the recipe; without one, only
     * artifacts naming the trigger do.
     */
    prefix: z
      .string()
      .min(1)
      .max(200)
      .refine((prefix) => isSafeName(prefix, { prefix: true }), NAME_MESSAGE)
      .optional(),
    /** Merged into every run's input, beside `artifact`. */
    input: z.record(z.string(), z.unknown()).default({}),
    description: z.string().max(500).optional(),
  })
  .strict();

export type TriggerInput = z.infer<typeof triggerInputSchema>;
