// What a credential's body may hold (PUT /v1/credentials/{name}); apart from credentials.ts so that the step
// functions that open credentials bundle no zod.
import * as z from 'zod';

export const credentialInputSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('openai'),
      value: z.object({ apiKey: z.string().min(1).max(500), baseUrl: z.string().url().optional() }).strict(),
    })
    .strict(),
  z
    .object({
      type: z.literal('http_bearer'),
      value: z.object({ token: z.string().min(1).max(4000) }).strict(),
    })
    .strict(),
  z
    .object({
      type: z.literal('webhook_secret'),
      value: z.object({ secret: z.string().min(16).max(500) }).strict(),
    })
    .strict(),
  z.object({ type: z.literal('smtp'), value: z.object({ url: z.string().url() }).strict() }).strict(),
]);
export type CredentialInput = z.infer<typeof credentialInputSchema>;
export type CredentialType = CredentialInput['type'];
