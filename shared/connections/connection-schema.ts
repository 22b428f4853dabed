// What a connection's body may hold (PUT /v1/connections/{name}); apart from connections.ts so that the http
// step's function, which reads connections, bundles no zod.
import * as z from 'zod';
import { CREDENTIAL_NAME } from '../credentials/credentials';

export const connectionInputSchema = z
  .object({
    baseUrl: z
      .string()
      .max(2000)
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
        } catch {
          return false;
        }
      }, 'must be an http(s) URL without credentials in it (keep secrets in a credential)')
      .refine((value) => !value.includes('{{'), 'is not a template'),
    /** An http_bearer credential whose token goes in Authorization. */
    credential: z.string().regex(CREDENTIAL_NAME, 'must name a credential').optional(),
    headers: z.record(z.string().min(1).max(200), z.string().max(4000)).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict();

export type ConnectionInput = z.infer<typeof connectionInputSchema>;
