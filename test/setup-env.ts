// Runs in each test worker: points the process config at the shared DynamoDB Local before any handler loads.
import { inject } from 'vitest';

process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.RECIPEFLOW_RUNTIME = 'local';
delete process.env.OPENAI_API_KEY;
delete process.env.OPENAI_BASE_URL;
