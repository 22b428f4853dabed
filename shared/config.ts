// Process configuration read once from the environment; the same names in Lambda and in the local runtime.
// Written without zod on purpose: every Lambda reads config, and zod's core (with its locales) is ~400 KB.

const defaults = {
  TABLE_NAME: 'recipeflow',
  AWS_REGION: 'us-east-1',
  AUDIT_BUCKET: 'recipeflow-audit',
  ARTIFACT_BUCKET: 'recipeflow-artifacts',
  STATE_MACHINE_ROLE_ARN: 'arn:aws:iam::000000000000:role/recipeflow-state-machine',
  COMPONENT_ARN_PREFIX: 'arn:aws:lambda:us-east-1:000000000000:function:recipeflow-',
  EMAIL_FROM: 'recipeflow@localhost',
};
const urls = [
  'DYNAMODB_ENDPOINT',
  'SFN_ENDPOINT',
  'S3_ENDPOINT',
  'OPENAI_BASE_URL',
  'SMTP_URL',
  'JWT_JWKS_URL',
] as const;
const optional = [
  'OPENAI_API_KEY',
  'CREDENTIALS_KMS_KEY_ID',
  'CREDENTIALS_KEY_FILE',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  // EventBridge Scheduler (cloud): the group, the start Lambda it targets, the role it uses and its DLQ.
  'SCHEDULE_GROUP',
  'SCHEDULE_TARGET_ARN',
  'SCHEDULER_ROLE_ARN',
  'SCHEDULE_DLQ_ARN',
  // Cloud: the log group recipe state machines log execution errors to (Express runs are settled from it).
  'STATE_MACHINE_LOG_GROUP_ARN',
] as const;

export type Config = typeof defaults &
  Partial<Record<(typeof urls)[number] | (typeof optional)[number], string>> & {
    WAIT_TIMEOUT_MS: number;
    /** Correspondence: how email and SMS leave (cloud: SES and SNS; local: the outbox, or SMTP when set). */
    EMAIL_TRANSPORT: 'outbox' | 'smtp' | 'ses';
    SMS_TRANSPORT: 'outbox' | 'sns';
  };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const config: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) config[name] = value(name) ?? fallback;
  for (const name of optional) config[name] = value(name);
  for (const name of urls) {
    const url = value(name);
    if (url !== undefined && !URL.canParse(url)) throw new Error(`${name} must be a URL`);
    config[name] = url;
  }
  config.WAIT_TIMEOUT_MS = positiveInteger(value('WAIT_TIMEOUT_MS'), 25_000, 'WAIT_TIMEOUT_MS');
  config.EMAIL_TRANSPORT = oneOf(value('EMAIL_TRANSPORT'), ['outbox', 'smtp', 'ses'], 'EMAIL_TRANSPORT');
  config.SMS_TRANSPORT = oneOf(value('SMS_TRANSPORT'), ['outbox', 'sns'], 'SMS_TRANSPORT');
  if (String(config.TABLE_NAME).length < 3) throw new Error('TABLE_NAME needs at least 3 characters');
  if (config.JWT_SECRET !== undefined && String(config.JWT_SECRET).length < 32) {
    throw new Error('JWT_SECRET needs at least 32 characters');
  }
  return config as Config;
}

function positiveInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer`);
  return parsed;
}

function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], name: string): T {
  if (raw === undefined) return allowed[0]!;
  if (!(allowed as readonly string[]).includes(raw))
    throw new Error(`${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}
