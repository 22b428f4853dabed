// `wait`: pauses the run for some seconds or until a time (a Wait state); free.
import * as z from 'zod/mini';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { compile } from './compile';
import { defaults, kind, pauses, price, worstCaseSeconds } from './runtime';

export const waitStepSchema = z
  .strictObject({
    ...base,
    type: z.literal('wait'),
    seconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(31_536_000))),
    until: z.optional(z.string()),
  })
  .check(
    z.refine(
      (s) => (s.seconds === undefined) !== (s.until === undefined),
      'set exactly one of seconds or until',
    ),
  );

export const wait = {
  type: 'wait',
  description:
    'Pauses the run for `seconds` (up to a year) or until `until` (an ISO 8601 time or a template); free.',
  kind,
  schema: waitStepSchema,
  example: { id: 'pause', type: 'wait', seconds: 3600 },
  price,
  defaults,
  pauses,
  worstCaseSeconds,
  compile,
} as const satisfies StepTypeDefinition<'wait'>;
