// Process configuration read once from the environment; the same names in Lambda and in the local runtime.
import { z } from 'zod';

const configSchema = z.object({
  TABLE_NAME: z.string().min(3).default('recipeflow'),
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SFN_ENDPOINT: z.string().url().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  AUDIT_BUCKET: z.string().min(3).default('recipeflow-audit'),
  ARTIFACT_BUCKET: z.string().min(3).default('recipeflow-artifacts'),
  STATE_MACHINE_ROLE_ARN: z.string().default('arn:aws:iam::000000000000:role/recipeflow-state-machine'),
  COMPONENT_ARN_PREFIX: z.string().default('arn:aws:lambda:us-east-1:000000000000:function:recipeflow-'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
  /** Correspondence: how email and SMS leave (cloud: SES and SNS; local: the outbox, or SMTP when set). */
  EMAIL_TRANSPORT: z.enum(['outbox', 'smtp', 'ses']).default('outbox'),
  SMS_TRANSPORT: z.enum(['outbox', 'sns']).default('outbox'),
  EMAIL_FROM: z.string().default('recipeflow@localhost'),
  SMTP_URL: z.string().url().optional(),
  /** Credentials at rest: a KMS key (cloud) or a local key file (local runtime). */
  CREDENTIALS_KMS_KEY_ID: z.string().optional(),
  CREDENTIALS_KEY_FILE: z.string().optional(),
  /** JWT bearer tokens: a JWKS URL (RS256/ES256) or a shared secret (HS256), with issuer and audience. */
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_SECRET: z.string().min(32).optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return configSchema.parse(env);
}
