// Typed errors thrown by the domain; one middleware maps them to problem+json (functions/api/middleware).

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A field's path as errors name it: `steps[1].source`, after `prefix` (`query.limit`). */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export class ValidationFailed extends DomainError {
  constructor(
    readonly errors: FieldError[],
    status: 400 | 422 = 422,
  ) {
    super(status, status === 400 ? 'Bad Request' : 'Unprocessable Content', describeFieldErrors(errors));
  }
}

export class NotFound extends DomainError {
  constructor(resource: string) {
    super(404, 'Not Found', `${resource} not found`);
  }
}

export class Conflict extends DomainError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class ContentTooLarge extends DomainError {
  constructor(message: string) {
    super(413, 'Content Too Large', message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'missing or invalid credentials') {
    super(401, 'Unauthorized', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

/** The platform operator suspended the tenant: its keys are refused and nothing of it starts. */
export class TenantSuspended extends Forbidden {
  constructor() {
    super('this tenant is suspended; no run starts until it is reactivated');
  }
}

export class InsufficientCredits extends DomainError {
  constructor(message: string) {
    super(402, 'Payment Required', message);
  }
}

export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    status: 429 | 503 = 429,
  ) {
    super(status, status === 429 ? 'Too Many Requests' : 'Service Unavailable', message);
  }
}

/** A dependency refused for now (throttled): nothing was recorded, and the same request may be retried. */
export class TryAgainLater extends RateLimited {
  constructor(message: string, retryAfterSeconds = 1) {
    super(message, retryAfterSeconds, 503);
  }
}

/** What a service answers when it is overloaded or failing for now (AWS SDK error names). */
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'SlowDown',
]);
/** What the socket says when the service cannot be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * A dependency (DynamoDB, S3, Step Functions) that did not answer after the SDK's own retries: the request
 * did nothing that matters and may be repeated later, so callers get 503 with Retry-After, never a 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return UNAVAILABLE_NAMES.has(error.name) || (code !== undefined && UNREACHABLE_CODES.has(code));
}

/** Seconds a caller should wait before trying again when a dependency is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

function describeFieldErrors(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}
