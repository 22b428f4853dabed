// `ai`: one model call (OpenAI-compatible), optionally with a JSON Schema the reply must match.
import * as z from 'zod/mini';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, kind, price, settings } from './runtime';

export const aiStepSchema = z.strictObject({
  ...base,
  type: z.literal('ai'),
  provider: z.optional(z.string()),
  model: z.optional(z.string()),
  system: z.optional(z.string()),
  prompt: z.string().check(z.minLength(1)),
  outputSchema: z.optional(z.record(z.string(), z.unknown())),
  temperature: z.optional(z.number().check(z.minimum(0), z.maximum(2))),
  maxTokens: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(128_000))),
  credential: z.optional(z.string()),
});

export const ai = {
  type: 'ai',
  description:
    'Asks a language model (templated prompt); with outputSchema the reply is JSON validated against it. Tokens and cost are recorded.',
  kind,
  schema: aiStepSchema,
  example: {
    id: 'summary',
    type: 'ai',
    prompt: 'Summarise {{input.company}} in one sentence.',
    outputSchema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
  },
  price,
  defaults,
  settings,
  functionTimeoutSeconds: 120,
  opensCredentials: true,
} as const satisfies StepTypeDefinition<'ai'>;
