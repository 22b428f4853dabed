// The user-facing recipe format as zod schemas; each step type's schema lives with its type in
// shared/steps/<type>/ and the union of them all in shared/steps/step-schema.ts.
import * as z from 'zod';
import type { aiStepSchema } from '../steps/ai';
import type { httpStepSchema } from '../steps/http';
import type { scoreStepSchema } from '../steps/score';
import { type Step, stepSchema } from '../steps/step-schema';
import type { transformOpSchema, transformStepSchema } from '../steps/transform';

export { type RetryPolicy, retrySchema, STEP_ID } from '../steps/base';
export { correspondStepSchema } from '../steps/correspond';
export { httpStepSchema } from '../steps/http';
export { DEFAULT_MAP_ITEMS, MAX_MAP_ITEMS, type MapStep } from '../steps/map';
export { type Step, stepSchema } from '../steps/step-schema';
export { transformStepSchema } from '../steps/transform';

export const recipeModes = ['auto', 'standard', 'express'] as const;

export const recipeSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    agentId: z.string().optional(),
    description: z.string().max(2000).optional(),
    mode: z.enum(recipeModes).default('auto'),
    inputSchema: z.record(z.string(), z.unknown()).default({ type: 'object' }),
    steps: z.array(stepSchema).min(1).max(100),
    output: z.unknown().optional(),
  })
  .strict();

export type RecipeDefinition = z.infer<typeof recipeSchema>;
export type StepType = Step['type'];
export type HttpStep = z.infer<typeof httpStepSchema>;
export type AiStep = z.infer<typeof aiStepSchema>;
export type TransformStep = z.infer<typeof transformStepSchema>;
export type ScoreStep = z.infer<typeof scoreStepSchema>;
export type TransformOp = z.infer<typeof transformOpSchema>;
