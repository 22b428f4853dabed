// What a cancelled DynamoDB transaction says of its items.

/**
 * Which items of a cancelled transaction failed their condition, in the order they were sent; empty for any
 * other error.
 */
export function failedConditions(error: unknown): boolean[] {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code === 'ConditionalCheckFailed');
}
