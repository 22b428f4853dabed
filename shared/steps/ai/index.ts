// `ai`: one model call (OpenAI-compatible), optionally with a JSON Schema the reply must match.
import * as z from 'zod';
import { base } from '../base';
import type { StepTypeDefinition } from '../types';
import { defaults, kind, price, settings } from './runtime';

export const aiStepSchema = z
  .object({
    ...base,
    type: z.literal('ai'),
    provider: z.string().optional(),
    model: z.string().optional(),
    system: z.string().optional(),
    prompt: z.string().min(1),
    outputSchema: z.record(z.string(), z.unknown()).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(128_000).optional(),
    credential: z.string().optional(),
  })
  .strict();

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
