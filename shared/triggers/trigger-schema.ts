// What a trigger's body may hold (POST /v1/triggers); apart from triggers.ts so that the upload function, which
// reads triggers, bundles no zod.
import * as z from 'zod/mini';
import { isSafeName, NAME_MESSAGE } from '../artifacts/file-names';

export const triggerInputSchema = z.strictObject({
  recipeId: z.string().check(z.minLength(1), z.maxLength(100)),
  /**
   * Uploads whose filename starts with this ("leads-", "incoming/") start the recipe; without one, only
   * artifacts naming the trigger do.
   */
  prefix: z.optional(
    z.string().check(
      z.minLength(1),
      z.maxLength(200),
      z.refine((prefix) => isSafeName(prefix, { prefix: true }), NAME_MESSAGE),
    ),
  ),
  /** Merged into every run's input, beside `artifact`. */
  input: z._default(z.record(z.string(), z.unknown()), {}),
  description: z.optional(z.string().check(z.maxLength(500))),
});

export type TriggerInput = z.infer<typeof triggerInputSchema>;
