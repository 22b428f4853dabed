// The user-facing recipe format as zod schemas; each step type's schema lives with its type in
// shared/steps/<type>/ and the union of them all in shared/steps/step-schema.ts.
import * as z from 'zod/mini';
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

export const recipeSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  agentId: z.optional(z.string()),
  description: z.optional(z.string().check(z.maxLength(2000))),
  mode: z._default(z.enum(recipeModes), 'auto'),
  inputSchema: z._default(z.record(z.string(), z.unknown()), { type: 'object' }),
  steps: z.array(stepSchema).check(z.minLength(1), z.maxLength(100)),
  output: z.optional(z.unknown()),
});

export type RecipeDefinition = z.infer<typeof recipeSchema>;
export type StepType = Step['type'];
export type HttpStep = z.infer<typeof httpStepSchema>;
export type AiStep = z.infer<typeof aiStepSchema>;
export type TransformStep = z.infer<typeof transformStepSchema>;
export type ScoreStep = z.infer<typeof scoreStepSchema>;
export type TransformOp = z.infer<typeof transformOpSchema>;
