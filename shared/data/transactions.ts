// What a cancelled DynamoDB transaction says of its items.

/**
 * Which items of a cancelled transaction failed their condition, in the order they were sent; empty for any
 * other error.
 */
export function failedConditions(error: unknown): boolean[] {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code === 'ConditionalCheckFailed');
}

/**
 * A transaction cancelled only because another one was writing the same items at that moment (no condition
 * failed): DynamoDB asks callers to try it again.
 */
export function conflicted(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return (
    reasons.some((reason) => reason.Code === 'TransactionConflict') &&
    !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
}
