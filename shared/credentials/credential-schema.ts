// What a credential's body may hold (PUT /v1/credentials/{name}); apart from credentials.ts so that the step
// functions that open credentials bundle no zod.
import * as z from 'zod/mini';

export const credentialInputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('openai'),
    value: z.strictObject({
      apiKey: z.string().check(z.minLength(1), z.maxLength(500)),
      baseUrl: z.optional(z.url()),
    }),
  }),
  z.strictObject({
    type: z.literal('http_bearer'),
    value: z.strictObject({ token: z.string().check(z.minLength(1), z.maxLength(4000)) }),
  }),
  z.strictObject({
    type: z.literal('webhook_secret'),
    value: z.strictObject({ secret: z.string().check(z.minLength(16), z.maxLength(500)) }),
  }),
  z.strictObject({ type: z.literal('smtp'), value: z.strictObject({ url: z.url() }) }),
]);
export type CredentialInput = z.infer<typeof credentialInputSchema>;
export type CredentialType = CredentialInput['type'];
