// What a connection's body may hold (PUT /v1/connections/{name}); apart from connections.ts so that the http
// step's function, which reads connections, bundles no zod.
import * as z from 'zod/mini';
import { CREDENTIAL_NAME } from '../credentials/credentials';

export const connectionInputSchema = z.strictObject({
  baseUrl: z.string().check(
    z.maxLength(2000),
    z.refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without credentials in it (keep secrets in a credential)'),
    z.refine((value) => !value.includes('{{'), 'is not a template'),
  ),
  /** An http_bearer credential whose token goes in Authorization. */
  credential: z.optional(z.string().check(z.regex(CREDENTIAL_NAME, 'must name a credential'))),
  headers: z.optional(
    z.record(z.string().check(z.minLength(1), z.maxLength(200)), z.string().check(z.maxLength(4000))),
  ),
  description: z.optional(z.string().check(z.maxLength(2000))),
});

export type ConnectionInput = z.infer<typeof connectionInputSchema>;
