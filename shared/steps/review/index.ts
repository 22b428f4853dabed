// `review`: a person approves (optionally editing the data) or rejects before the run goes on.
import * as z from 'zod/mini';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { compile } from './compile';
import { defaults, kind, pauses, price, REVIEW_TIMEOUT_SECONDS, settings, worstCaseSeconds } from './runtime';

export { REVIEW_TIMEOUT_SECONDS };

export const reviewStepSchema = z.strictObject({
  ...base,
  type: z.literal('review'),
  message: z.string().check(z.minLength(1)),
  data: z.optional(z.unknown()),
  onTimeout: z._default(z.enum(['approve', 'reject']), 'reject'),
});

export const review = {
  type: 'review',
  description:
    'Waits for a person to approve (optionally with edits to the data) or reject, up to timeoutSeconds (default 24 h), then applies onTimeout.',
  kind,
  schema: reviewStepSchema,
  example: {
    id: 'check',
    type: 'review',
    message: 'Send this email to {{input.email}}?',
    data: '{{input.draft}}',
    onTimeout: 'reject',
  },
  price,
  defaults,
  settings,
  pauses,
  worstCaseSeconds,
  compile,
} as const satisfies StepTypeDefinition<'review'>;
