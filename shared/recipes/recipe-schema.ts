// The user-facing recipe format (DESIGN.md "Recipe format") as zod schemas; types are inferred from them.
import { z } from 'zod';
import { conditionSchema } from './condition';

export const STEP_ID = /^[a-z][A-Za-z0-9_]{0,63}$/;
const stepId = z.string().regex(STEP_ID, 'must match ^[a-z][A-Za-z0-9_]{0,63}$');

export const retrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10),
    intervalSeconds: z.number().int().min(1).max(3600).default(1),
    backoffRate: z.number().min(1).max(10).default(2),
    maxDelaySeconds: z.number().int().min(1).max(86_400).optional(),
    jitter: z.enum(['full', 'none']).default('none'),
  })
  .strict();

const onErrorSchema = z.union([z.enum(['fail', 'continue']), z.object({ goto: stepId }).strict()]);

const base = {
  id: stepId,
  retry: retrySchema.optional(),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  onError: onErrorSchema.optional(),
};

const stringMap = z.record(z.string(), z.string());

export const httpStepSchema = z
  .object({
    ...base,
    type: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: z.string().min(1),
    headers: stringMap.optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional(),
    credential: z.string().optional(),
    expectStatus: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
  })
  .strict();

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

const path = z.string().min(1);
export const transformOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('pick'), fields: z.array(path).min(1) }).strict(),
  z.object({ op: z.literal('map'), to: z.unknown() }).strict(),
  z.object({ op: z.literal('filter'), when: conditionSchema }).strict(),
  z.object({ op: z.literal('dedupe'), by: path.optional() }).strict(),
  z.object({ op: z.literal('sort'), by: path, order: z.enum(['asc', 'desc']).default('asc') }).strict(),
  z.object({ op: z.literal('limit'), count: z.number().int().min(0) }).strict(),
  z.object({ op: z.literal('flatten'), depth: z.number().int().min(1).max(10).default(1) }).strict(),
]);

export const transformStepSchema = z
  .object({ ...base, type: z.literal('transform'), source: z.unknown(), ops: z.array(transformOpSchema) })
  .strict();

export const scoreStepSchema = z
  .object({
    ...base,
    type: z.literal('score'),
    rules: z.array(z.object({ when: conditionSchema, points: z.number() }).strict()).min(1),
    bands: z.array(z.object({ min: z.number(), label: z.string().min(1) }).strict()).default([]),
  })
  .strict();

export const correspondStepSchema = z
  .object({
    ...base,
    type: z.literal('correspond'),
    channel: z.enum(['email', 'webhook', 'sms']),
    to: z.string().optional(),
    subject: z.string().optional(),
    body: z.unknown().optional(),
    url: z.string().optional(),
    /** webhook: the webhook_secret credential that signs the request. */
    credential: z.string().optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const need = (field: 'to' | 'url' | 'credential' | 'body') => {
      if (step[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `a ${step.channel} step needs ${field}` });
    };
    const required = { email: ['to', 'body'], sms: ['to', 'body'], webhook: ['url', 'credential'] } as const;
    for (const field of required[step.channel]) need(field);
  });

export const reviewStepSchema = z
  .object({
    ...base,
    type: z.literal('review'),
    message: z.string().min(1),
    data: z.unknown().optional(),
    onTimeout: z.enum(['approve', 'reject']).default('reject'),
  })
  .strict();

export const branchStepSchema = z
  .object({
    ...base,
    type: z.literal('branch'),
    cases: z.array(z.object({ when: conditionSchema, goto: z.string() }).strict()).min(1),
    default: z.string().default('end'),
  })
  .strict();

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

export type Step =
  | z.infer<typeof httpStepSchema>
  | z.infer<typeof aiStepSchema>
  | z.infer<typeof transformStepSchema>
  | z.infer<typeof scoreStepSchema>
  | z.infer<typeof correspondStepSchema>
  | z.infer<typeof reviewStepSchema>
  | z.infer<typeof branchStepSchema>
  | z.infer<typeof waitStepSchema>
  | MapStep;

export interface MapStep {
  id: string;
  type: 'map';
  items: string;
  maxConcurrency: number;
  /** The most items a run may map over: credits are reserved for them, and more fail the run. */
  maxItems: number;
  steps: Step[];
  retry?: z.infer<typeof retrySchema>;
  timeoutSeconds?: number;
  onError?: z.infer<typeof onErrorSchema>;
}

export const stepSchema: z.ZodType<Step, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    httpStepSchema,
    aiStepSchema,
    transformStepSchema,
    scoreStepSchema,
    correspondStepSchema,
    reviewStepSchema,
    branchStepSchema,
    waitStepSchema,
    z
      .object({
        ...base,
        type: z.literal('map'),
        items: z.string().min(1),
        maxConcurrency: z.number().int().min(0).max(1000).default(4),
        maxItems: z.number().int().min(1).max(MAX_MAP_ITEMS).default(DEFAULT_MAP_ITEMS),
        steps: z.array(stepSchema).min(1),
      })
      .strict(),
  ]),
) as z.ZodType<Step, unknown>;

/** A map's item cap when it declares none, and the most an inline map may declare. */
export const DEFAULT_MAP_ITEMS = 100;
export const MAX_MAP_ITEMS = 10_000;

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
export type RetryPolicy = z.infer<typeof retrySchema>;
