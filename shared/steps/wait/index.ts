// `wait`: pauses the run for some seconds or until a time (a Wait state); free.
import * as z from 'zod';
import { jsonPath } from '../../recipes/choice-rules';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { price } from './runtime';

export const waitStepSchema = z
  .object({
    ...base,
    type: z.literal('wait'),
    seconds: z.number().int().min(0).max(31_536_000).optional(),
    until: z.string().optional(),
  })
  .strict()
  .refine(
    (s) => (s.seconds === undefined) !== (s.until === undefined),
    'set exactly one of seconds or until',
  );

export const wait = {
  type: 'wait',
  description:
    'Pauses the run for `seconds` (up to a year) or until `until` (an ISO 8601 time or a template); free.',
  kind: 'control',
  schema: waitStepSchema,
  example: { id: 'pause', type: 'wait', seconds: 3600 },
  price,
  defaults: {},
  pauses: true,
  worstCaseSeconds: (step) => (step.seconds === undefined ? Number.POSITIVE_INFINITY : Number(step.seconds)),
  compile(step, next) {
    if (step.seconds !== undefined) return { Type: 'Wait', Seconds: step.seconds, Next: next };
    const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(String(step.until ?? ''));
    if (whole?.[1]) return { Type: 'Wait', TimestampPath: jsonPath(whole[1]), Next: next };
    return { Type: 'Wait', Timestamp: step.until, Next: next };
  },
} as const satisfies StepTypeDefinition<'wait'>;
