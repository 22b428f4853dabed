// `http`: one request with templated URL, headers, query and body, under the tenant's address policy.
import * as z from 'zod/mini';
import { base, stringMap } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, kind, price, settings } from './runtime';

export const httpStepSchema = z
  .strictObject({
    ...base,
    type: z.literal('http'),
    method: z._default(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']), 'GET'),
    /** The full address; or `connection` (a connection's name) with an optional `path` under its base URL. */
    url: z.optional(z.string().check(z.minLength(1))),
    connection: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    path: z.optional(z.string().check(z.maxLength(2000))),
    headers: z.optional(stringMap),
    query: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
    body: z.optional(z.unknown()),
    credential: z.optional(z.string()),
    expectStatus: z.optional(
      z.union([z.number().check(z.int()), z.array(z.number().check(z.int())).check(z.minLength(1))]),
    ),
  })
  .check(
    z.superRefine((step, ctx) => {
      if ((step.url === undefined) === (step.connection === undefined))
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'set exactly one of url or connection' });
      if (step.path !== undefined && step.connection === undefined)
        ctx.addIssue({ code: 'custom', path: ['path'], message: 'path goes with connection' });
    }),
  );

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
