// What a new artifact's body may hold (POST /v1/artifacts); apart from artifacts.ts so that the functions that
// read and write artifacts without an API body (uploads) bundle no zod.
import * as z from 'zod';
import { MAX_ARTIFACT_BYTES } from './artifacts';
import { isSafeName, NAME_MESSAGE } from './file-names';

export const artifactInputSchema = z
  .object({
    filename: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((name) => isSafeName(name), NAME_MESSAGE),
    contentType: z
      .string()
      .min(3)
      .max(100)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as text/csv'),
    size: z.number().int().min(1).max(MAX_ARTIFACT_BYTES),
    triggerId: z.string().max(100).optional(),
  })
  .strict();

export type ArtifactInput = z.infer<typeof artifactInputSchema>;
