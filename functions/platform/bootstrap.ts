// The bootstrap custom resource (and a direct invocation, to apply a rotated key): reads the platform-admin
// key that Secrets Manager generated at deploy time and registers it through the same bootstrapPlatform()
// as `npm start`. The key never leaves this function: not in the response, not in a log line.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { recordCalls } from '../../shared/observability/call-recorder';
import { observed } from '../../shared/observability/observability';
import { bootstrapPlatform } from '../../shared/platform/bootstrap';

checkFunctionSettings('platform/bootstrap');

const PHYSICAL_ID = 'recipeflow-platform-bootstrap';
let secrets: SecretsManagerClient | undefined;

type BootstrapEvent = CloudFormationCustomResourceEvent | { RequestType?: undefined };

export const handler = middy<BootstrapEvent, { PhysicalResourceId: string }>()
  .use(observed())
  .handler(async (event) => {
    // Deleting the stack leaves the table (and its keys) to the data stack's retention policy.
    if (event.RequestType === 'Delete') return { PhysicalResourceId: PHYSICAL_ID };
    const deps = getDeps();
    const secretId = process.env.PLATFORM_ADMIN_SECRET_ARN;
    if (!secretId) throw new Error('PLATFORM_ADMIN_SECRET_ARN is not set');
    secrets ??= recordCalls(new SecretsManagerClient({ region: deps.config.AWS_REGION }));
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the platform-admin secret has no string value');
    await bootstrapPlatform(deps, { platformAdminKey: SecretString.trim() });
    return { PhysicalResourceId: PHYSICAL_ID };
  });
