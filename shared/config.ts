// Process configuration read once from the environment; the same names in Lambda and in the local runtime.
// Written without zod on purpose: every Lambda reads config, and zod's core (with its locales) is ~400 KB.
//
// Local or cloud is one explicit setting, RECIPEFLOW_RUNTIME, never inferred from which variables happen to
// be set. Only the local runtime gets defaults (its emulators' names); in the cloud a value is either set by
// the stack or missing, and each function checks at cold start that what it needs is there
// (`requireSettings`), so a missing value stops it with a message naming the variable instead of a fake ARN
// or a silent no-op.

export const runtimes = ['cloud', 'local'] as const;
export type Runtime = (typeof runtimes)[number];

/** What the local runtime's emulators are called; never used in the cloud. */
const localDefaults = {
  TABLE_NAME: 'recipeflow',
  AUDIT_BUCKET: 'recipeflow-audit',
  ARTIFACT_BUCKET: 'recipeflow-artifacts',
  STATE_MACHINE_ROLE_ARN: 'arn:aws:iam::000000000000:role/recipeflow-state-machine',
  COMPONENT_ARN_PREFIX: 'arn:aws:lambda:us-east-1:000000000000:function:recipeflow-',
  EMAIL_FROM: 'recipeflow@localhost',
};
/** The emulators' endpoints: URLs, and settings of the local runtime only. */
const localEndpoints = [
  'DYNAMODB_ENDPOINT',
  'BEDROCK_ENDPOINT',
  'LAMBDA_ENDPOINT',
  'SFN_ENDPOINT',
  'S3_ENDPOINT',
  'SCHEDULER_ENDPOINT',
] as const;
/** Emulator endpoints and the local key file: settings of the local runtime only. */
const localOnly = [...localEndpoints, 'CREDENTIALS_KEY_FILE'] as const;
const urls = [...localEndpoints, 'OPENAI_BASE_URL', 'SMTP_URL', 'JWT_JWKS_URL'] as const;
const optional = [
  'OPENAI_API_KEY',
  'CREDENTIALS_KMS_KEY_ID',
  'CREDENTIALS_KEY_FILE',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  // EventBridge Scheduler: the group, the start Lambda it targets, the role it uses and its DLQ.
  'SCHEDULE_GROUP',
  'SCHEDULE_TARGET_ARN',
  'SCHEDULER_ROLE_ARN',
  'SCHEDULE_DLQ_ARN',
  // The log group recipe state machines log execution errors to (Express runs are settled from it).
  'STATE_MACHINE_LOG_GROUP_ARN',
  'PLATFORM_ADMIN_SECRET_ARN',
  // The Bedrock models `ai` steps may use (comma-separated model ids); the function's role may invoke only these.
  'BEDROCK_MODELS',
] as const;

type Named = keyof typeof localDefaults | (typeof urls)[number] | (typeof optional)[number];
export type SettingName = Named;

export type Config = Partial<Record<Named, string>> & {
  RECIPEFLOW_RUNTIME: Runtime;
  /** Every function reads and writes the one table, so it is checked for every function. */
  TABLE_NAME: string;
  AWS_REGION: string;
  WAIT_TIMEOUT_MS: number;
  /** Correspondence: how email and SMS leave (cloud: SES and SNS; local: the outbox, or SMTP when set). */
  EMAIL_TRANSPORT: 'outbox' | 'smtp' | 'ses';
  SMS_TRANSPORT: 'outbox' | 'sns';
};

/** The region of the local runtime's clients and emulators unless AWS_REGION says otherwise. */
export const LOCAL_REGION = 'us-east-1';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const runtime = value('RECIPEFLOW_RUNTIME');
  if (!(runtimes as readonly (string | undefined)[]).includes(runtime)) {
    throw new Error('RECIPEFLOW_RUNTIME must be "cloud" (deployed) or "local" (npm start, tests)');
  }
  const cloud = runtime === 'cloud';
  const config: Record<string, unknown> = { RECIPEFLOW_RUNTIME: runtime };
  config.AWS_REGION = value('AWS_REGION') ?? (cloud ? undefined : LOCAL_REGION);
  if (!config.AWS_REGION) throw new Error('AWS_REGION is not set');
  for (const [name, fallback] of Object.entries(localDefaults))
    config[name] = value(name) ?? (cloud ? undefined : fallback);
  for (const name of optional) config[name] = value(name);
  for (const name of urls) {
    const url = value(name);
    if (url !== undefined && !URL.canParse(url)) throw new Error(`${name} must be a URL`);
    config[name] = url;
  }
  if (cloud) {
    for (const name of localOnly) {
      if (value(name) !== undefined)
        throw new Error(`${name} is a local-runtime setting; RECIPEFLOW_RUNTIME is cloud`);
    }
  }
  config.WAIT_TIMEOUT_MS = positiveInteger(value('WAIT_TIMEOUT_MS'), 25_000, 'WAIT_TIMEOUT_MS');
  // The outbox only records messages: in the cloud that would be a silent no-op, so the default is to send.
  config.EMAIL_TRANSPORT = oneOf(
    value('EMAIL_TRANSPORT'),
    cloud ? ['ses', 'smtp'] : ['outbox', 'smtp', 'ses'],
    'EMAIL_TRANSPORT',
  );
  config.SMS_TRANSPORT = oneOf(value('SMS_TRANSPORT'), cloud ? ['sns'] : ['outbox', 'sns'], 'SMS_TRANSPORT');
  if (config.TABLE_NAME === undefined) throw new Error('TABLE_NAME is not set; every function needs it');
  if (String(config.TABLE_NAME).length < 3) throw new Error('TABLE_NAME needs at least 3 characters');
  if (config.JWT_SECRET !== undefined && String(config.JWT_SECRET).length < 32) {
    throw new Error('JWT_SECRET needs at least 32 characters');
  }
  return config as Config;
}

/**
 * The values of these settings, or an error naming each one that is missing. Functions call it at cold
 * start with what they need (see `functionSettings`), so a stack that forgot one fails at once and says which.
 */
export function requireSettings<const N extends readonly SettingName[]>(
  config: Config,
  names: N,
): { [K in keyof N]: string } {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set; this function needs ${missing.length === 1 ? 'it' : 'them'}`,
    );
  }
  return names.map((name) => config[name] as string) as { [K in keyof N]: string };
}

/** One setting's value, or an error naming it: for code paths that need a value only some functions have. */
export function setting(config: Config, name: SettingName): string {
  return requireSettings(config, [name] as const)[0];
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

/** The credentials every local emulator accepts (never used in the cloud, where endpoints are not set). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An AWS SDK client's region, and locally its emulator's endpoint with the emulator's credentials. */
export function awsClientSettings(config: Config, endpoint: string | undefined) {
  return { region: config.AWS_REGION, ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}) };
}
