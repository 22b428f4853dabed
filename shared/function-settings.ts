// What each Lambda function needs from its environment besides TABLE_NAME and RECIPEFLOW_RUNTIME (which every
// function needs); a step type's function declares its own in its registry entry (`stepFunctionSettings`). Each entry point checks its list at cold start (`checkFunctionSettings`); the CDK test holds
// every synthesized function's environment to the same list, so a setting the stack forgot fails the test
// instead of a request in production.
import { loadConfig, requireSettings, type SettingName } from './config';

const stateMachines = [
  'STATE_MACHINE_ROLE_ARN',
  'COMPONENT_ARN_PREFIX',
  'STATE_MACHINE_LOG_GROUP_ARN',
] as const;

export const functionSettings = {
  'api/health': ['ARTIFACT_BUCKET'],
  'api/openapi': [],
  'api/tenants': [...stateMachines],
  'api/api-keys': [],
  'api/credits': [],
  'api/audit': [],
  'api/credentials': ['CREDENTIALS_KMS_KEY_ID'],
  'api/agents': [],
  'api/recipes': [...stateMachines],
  'api/executions': [...stateMachines, 'ARTIFACT_BUCKET'],
  'api/reviews': [],
  'api/messages': [],
  'api/artifacts': ['ARTIFACT_BUCKET'],
  'api/schedules': ['SCHEDULE_GROUP', 'SCHEDULE_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_DLQ_ARN'],
  'api/triggers': [],
  'api/settings': [],
  'api/steps': ['COMPONENT_ARN_PREFIX'],
  'api/connections': [],
  'authorizer/authorizer': [],
  'components/finalize': ['ARTIFACT_BUCKET'],
  'components/artifact-map': ['ARTIFACT_BUCKET'],
  'triggers/table-stream': ['AUDIT_BUCKET'],
  'triggers/admission': [],
  'triggers/execution-status': [],
  'triggers/schedule': [],
  'triggers/upload': ['ARTIFACT_BUCKET'],
  'platform/bootstrap': ['PLATFORM_ADMIN_SECRET_ARN'],
} as const satisfies Record<string, readonly SettingName[]>;

export type FunctionName = keyof typeof functionSettings;

/** Stops a function at cold start, naming each variable it needs and was not given. */
export function checkFunctionSettings(name: FunctionName): void {
  checkSettings(functionSettings[name]);
}

/** The same for a step type's function, whose settings its registry entry declares. */
export function checkSettings(names: readonly SettingName[]): void {
  const config = loadConfig();
  // Locally the runtime provides every value (and the KMS key is a key file), so only the cloud is checked.
  if (config.RECIPEFLOW_RUNTIME === 'cloud') requireSettings(config, names);
}
