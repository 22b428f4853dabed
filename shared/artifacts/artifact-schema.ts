// What a new artifact's body may hold (POST /v1/artifacts); apart from artifacts.ts so that the functions that
// read and write artifacts without an API body (uploads) bundle no zod.
import * as z from 'zod/mini';
import { MAX_ARTIFACT_BYTES } from './artifacts';
import { isSafeName, NAME_MESSAGE } from './file-names';

export const artifactInputSchema = z.strictObject({
  filename: z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(255),
    z.refine((name) => isSafeName(name), NAME_MESSAGE),
  ),
  contentType: z
    .string()
    .check(
      z.minLength(3),
      z.maxLength(100),
      z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as text/csv'),
    ),
  size: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_ARTIFACT_BYTES)),
  triggerId: z.optional(z.string().check(z.maxLength(100))),
});

export type ArtifactInput = z.infer<typeof artifactInputSchema>;
