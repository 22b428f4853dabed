// The answer of a table-stream consumer: with partial batch responses, the batch resumes at the earliest record
// whose work failed (stream sequence numbers compare as numbers of any length: by length, then by digits).
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';

export function resumeAtFirstFailure(failed: DynamoDBRecord[]): DynamoDBBatchResponse {
  const first = failed
    .map((record) => record.dynamodb?.SequenceNumber ?? '')
    .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
  return { batchItemFailures: first === undefined ? [] : [{ itemIdentifier: first }] };
}
