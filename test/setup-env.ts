// Runs in each test worker: points the process config at the shared DynamoDB Local before any handler loads.
import { inject } from 'vitest';
import { CALLS_FILE } from './support/call-record';

process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.RECIPEFLOW_RUNTIME = 'local';
delete process.env.OPENAI_API_KEY;
delete process.env.OPENAI_BASE_URL;
// Handlers invoked by the local runtime in this worker append their AWS calls here (read by the IAM test).
process.env.RECIPEFLOW_RECORD_CALLS = CALLS_FILE;
