// The two ways a step fails. Their names are the Step Functions error names the compiled Retry matches:
// StepFailed is retried by the step's policy, StepRejected (bad config, 4xx, blocked address) never is.
export class StepFailed extends Error {
  override name = 'StepFailed';
}

export class StepRejected extends Error {
  override name = 'StepRejected';
}

export function toStepError(error: unknown): StepFailed | StepRejected {
  if (error instanceof StepFailed || error instanceof StepRejected) return error;
  // A domain refusal (missing credential, wrong type…) will not change on retry.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status < 500) return new StepRejected((error as Error).message);
  const message = error instanceof Error ? error.message : String(error);
  return new StepFailed(message);
}

/** A fused group's step failed and the group settled the run itself: its Task's Catch goes to the Fail state. */
export class RunSettled extends Error {
  override name = 'RunSettled';
}

/**
 * The message of a failure's Cause as Step Functions gives it: a Lambda error's JSON (`{ errorMessage, errorType,
 * trace }`) reduced to its message, a plain-text cause as it is; undefined when there is none.
 */
export function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) return parsed.errorMessage;
  } catch {
    // a plain-text cause
  }
  return cause;
}
