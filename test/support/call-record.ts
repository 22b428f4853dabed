// Where the test processes and the e2e runtime append the AWS SDK calls their handlers make (for the IAM test).
import path from 'node:path';

export const CALLS_FILE = path.resolve('test-results/aws-calls.jsonl');
