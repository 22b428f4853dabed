// What a tenant's settings may hold (PUT /v1/settings); apart from settings.ts so that the functions that only
// read settings (starts, admission) bundle no zod.
import * as z from 'zod';

const origin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && value.replace(/\/$/, '') === url.origin;
}, 'must be an origin such as http://127.0.0.1:8080 (scheme, host and port only)');

export const settingsSchema = z
  .object({
    ai: z
      .object({ provider: z.enum(['openai', 'offline']).optional(), model: z.string().min(1).optional() })
      .strict()
      .default({}),
    httpAllowList: z.array(origin).max(50).default([]),
    values: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
