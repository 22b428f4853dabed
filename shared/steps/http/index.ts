// `http`: one request with templated URL, headers, query and body, under the tenant's address policy.
import * as z from 'zod';
import { base, stringMap } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, kind, price, settings } from './runtime';

export const httpStepSchema = z
  .object({
    ...base,
    type: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    /** The full address; or `connection` (a connection's name) with an optional `path` under its base URL. */
    url: z.string().min(1).optional(),
    connection: z.string().min(1).max(64).optional(),
    path: z.string().max(2000).optional(),
    headers: stringMap.optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional(),
    credential: z.string().optional(),
    expectStatus: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    if ((step.url === undefined) === (step.connection === undefined))
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'set exactly one of url or connection' });
    if (step.path !== undefined && step.connection === undefined)
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'path goes with connection' });
  });

export const http = {
  type: 'http',
  description:
    'Sends one HTTP request (templated URL — or a connection and a path — headers, query and body) and outputs { status, headers, body }.',
  kind,
  schema: httpStepSchema,
  example: {
    id: 'company',
    type: 'http',
    method: 'GET',
    url: 'https://directory.example/companies/{{input.domain}}',
  },
  price,
  defaults,
  settings,
  opensCredentials: true,
} as const satisfies StepTypeDefinition<'http'>;
