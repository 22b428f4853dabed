// What the Step Functions service refuses in CreateStateMachine and the ASL interpreter accepts: name and
// definition limits, the state machine type, integrations Express workflows do not support, and logging
// settings. The local endpoint checks these so a recipe that the cloud would refuse fails here too.

export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_NAME = 80;
const MAX_DEFINITION_BYTES = 1_048_576;
// The characters a state machine name may not contain, per the CreateStateMachine reference.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among those the service refuses
const FORBIDDEN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
// Express workflows run synchronously to completion within five minutes: no callback or .sync integrations.
const EXPRESS_UNSUPPORTED = /\.(waitForTaskToken|sync(:2)?)$|^arn:aws[\w-]*:states:[^:]*:\d+:activity:/;

export function checkCreateStateMachine(body: Record<string, unknown>): void {
  const name = typeof body.name === 'string' ? body.name : '';
  if (name.length < 1 || name.length > MAX_NAME) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME}`,
    );
  }
  if (FORBIDDEN_NAME.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
  const definition = typeof body.definition === 'string' ? body.definition : '';
  if (Buffer.byteLength(definition) > MAX_DEFINITION_BYTES) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DEFINITION_BYTES}`,
    );
  }
  if (typeof body.roleArn !== 'string' || !ROLE_ARN.test(body.roleArn)) {
    throw new ServiceError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${body.roleArn}'`,
    );
  }
  const type = body.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new ServiceError(
      'ValidationException',
      `Value '${String(type)}' at 'type' failed to satisfy constraint`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    throw new ServiceError('InvalidDefinition', 'Invalid State Machine Definition: INVALID_JSON_DESCRIPTION');
  }
  if (type === 'EXPRESS') {
    for (const resource of taskResources(parsed)) {
      if (EXPRESS_UNSUPPORTED.test(resource)) {
        throw new ServiceError(
          'InvalidDefinition',
          `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '${resource}''`,
        );
      }
    }
  }
  checkLogging(body.loggingConfiguration);
}

function checkLogging(logging: unknown) {
  if (logging === undefined) return;
  const { level = 'OFF', destinations = [] } = logging as { level?: string; destinations?: unknown[] };
  if (!['ALL', 'ERROR', 'FATAL', 'OFF'].includes(level)) {
    throw new ServiceError('InvalidLoggingConfiguration', `Invalid logging level: ${level}`);
  }
  if (level !== 'OFF' && destinations.length !== 1) {
    throw new ServiceError(
      'InvalidLoggingConfiguration',
      'Exactly one destination is required when logging is on',
    );
  }
}

/** Every Task state's Resource, nested Map and Parallel states included. */
function taskResources(value: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.Type === 'Task' && typeof record.Resource === 'string') found.push(record.Resource);
      for (const child of Object.values(record)) walk(child);
    }
  };
  walk(value);
  return found;
}
