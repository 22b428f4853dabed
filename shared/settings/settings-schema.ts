// What a tenant's settings may hold (PUT /v1/settings); apart from settings.ts so that the functions that only
// read settings (starts, admission) bundle no zod.
import * as z from 'zod/mini';

const origin = z.string().check(
  z.refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && value.replace(/\/$/, '') === url.origin;
  }, 'must be an origin such as http://127.0.0.1:8080 (scheme, host and port only)'),
);

export const settingsSchema = z.strictObject({
  ai: z._default(
    z.strictObject({
      provider: z.optional(z.enum(['openai', 'offline'])),
      model: z.optional(z.string().check(z.minLength(1))),
    }),
    {},
  ),
  httpAllowList: z._default(z.array(origin).check(z.maxLength(50)), []),
  values: z._default(z.record(z.string(), z.unknown()), {}),
});

export type Settings = z.infer<typeof settingsSchema>;
