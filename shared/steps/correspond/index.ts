// `correspond`: sends an email, an SMS or a signed webhook, exactly once per run, item and step.
import * as z from 'zod/mini';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, kind, price, settings } from './runtime';

export const correspondStepSchema = z
  .strictObject({
    ...base,
    type: z.literal('correspond'),
    channel: z.enum(['email', 'webhook', 'sms']),
    to: z.optional(z.string()),
    subject: z.optional(z.string()),
    body: z.optional(z.unknown()),
    url: z.optional(z.string()),
    /** webhook: the webhook_secret credential that signs the request. */
    credential: z.optional(z.string()),
  })
  .check(
    z.superRefine((step, ctx) => {
      const need = (field: 'to' | 'url' | 'credential' | 'body') => {
        if (step[field] === undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `a ${step.channel} step needs ${field}` });
      };
      const required = {
        email: ['to', 'body'],
        sms: ['to', 'body'],
        webhook: ['url', 'credential'],
      } as const;
      for (const field of required[step.channel]) need(field);
    }),
  );

export const correspond = {
  type: 'correspond',
  description:
    'Sends an email (SES), an SMS (SNS) or a webhook signed with a webhook_secret credential; each message is sent once.',
  kind,
  schema: correspondStepSchema,
  example: {
    id: 'tell',
    type: 'correspond',
    channel: 'email',
    to: '{{input.email}}',
    subject: 'Your report',
    body: 'Hello {{input.name}}, your report is ready.',
  },
  price,
  defaults,
  settings,
  opensCredentials: true,
} as const satisfies StepTypeDefinition<'correspond'>;
