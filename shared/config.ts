// Process configuration read once from the environment; the same names in Lambda and in the local runtime.
import { z } from 'zod';

const configSchema = z.object({
  TABLE_NAME: z.string().min(3).default('recipeflow'),
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SFN_ENDPOINT: z.string().url().optional(),
  STATE_MACHINE_ROLE_ARN: z.string().default('arn:aws:iam::000000000000:role/recipeflow-state-machine'),
  COMPONENT_ARN_PREFIX: z.string().default('arn:aws:lambda:us-east-1:000000000000:function:recipeflow-'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return configSchema.parse(env);
}
