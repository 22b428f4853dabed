// GET /v1/health (liveness) and GET /v1/ready (DynamoDB answers).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { getDeps } from '../../shared/deps';
import { apiHandler, json } from './endpoint';

export const handler = apiHandler(
  [
    { method: 'GET', path: '/v1/health', handler: async () => json(200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/v1/ready',
      handler: async () => {
        const deps = getDeps();
        try {
          await deps.db.send(new DescribeTableCommand({ TableName: deps.config.TABLE_NAME }));
          return json(200, { status: 'ready', checks: { dynamodb: 'ok' } });
        } catch {
          return json(503, { status: 'not ready', checks: { dynamodb: 'unavailable' } });
        }
      },
    },
  ],
  { public: true },
);
