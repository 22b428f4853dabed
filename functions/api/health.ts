// GET /v1/health (liveness) and GET /v1/ready (DynamoDB and the artifact bucket answer).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { s3Of } from '../../shared/clients/s3';
import { setting } from '../../shared/config';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { json, publicApiHandler } from './router';

checkFunctionSettings('api/health');

export const handler = publicApiHandler([
  { method: 'GET', path: '/v1/health', handler: async () => json(200, { status: 'ok' }) },
  {
    method: 'GET',
    path: '/v1/ready',
    handler: async () => {
      const deps = getDeps();
      const [dynamodb, s3] = await Promise.all([
        probe(() => deps.db.send(new DescribeTableCommand({ TableName: deps.config.TABLE_NAME }))),
        probe(async () => {
          const s3 = await s3Of(deps);
          return s3.client.send(
            new s3.HeadBucketCommand({ Bucket: setting(deps.config, 'ARTIFACT_BUCKET') }),
          );
        }),
      ]);
      const ready = dynamodb === 'ok' && s3 === 'ok';
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: { dynamodb, s3 } });
    },
  },
]);

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await check();
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
