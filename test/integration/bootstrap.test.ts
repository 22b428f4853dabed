// The bootstrap custom resource: registers the platform-admin key Secrets Manager generated (no emulator
// for Secrets Manager here: aws-sdk-client-mock), through the same bootstrapPlatform() as `npm start`, never
// returning it; a rotated value replaces the previous key.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/platform/bootstrap';
import { authenticateApiKey } from '../../shared/auth/api-keys';
import { bootstrapPlatform } from '../../shared/platform/bootstrap';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
const secrets = mockClient(SecretsManagerClient);

beforeAll(async () => {
  stack = await startLocalStack();
  process.env.PLATFORM_ADMIN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:platform-admin';
});
afterAll(async () => {
  secrets.restore();
  delete process.env.PLATFORM_ADMIN_SECRET_ARN;
  await stack.stop();
});

const createEvent = {
  RequestType: 'Create',
  ServiceToken: 'arn:token',
  ResponseURL: 'https://cloudformation.example/response',
  StackId: 'stack',
  RequestId: 'req',
  LogicalResourceId: 'PlatformBootstrap',
  ResourceType: 'AWS::CloudFormation::CustomResource',
  ResourceProperties: { ServiceToken: 'arn:token', secret: 'arn' },
};

describe('bootstrapping the platform', () => {
  it('registers the generated key as the platform admin, without returning it', async () => {
    const key = 'A'.repeat(24) + 'b'.repeat(24);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: key });
    const result = await handler(createEvent as never, {} as never);
    expect(result).toEqual({ PhysicalResourceId: 'recipeflow-platform-bootstrap' });
    expect(JSON.stringify(result)).not.toContain(key);
    // The handler runs on the process deps (this stack's table), as it does in Lambda.
    expect(await authenticateApiKey(stack.deps, key)).toMatchObject({
      tenantId: 'platform',
      role: 'platform',
    });
    // Running it again (an update) keeps the same key working.
    await handler({ ...createEvent, RequestType: 'Update', PhysicalResourceId: 'x' } as never, {} as never);
    expect(await authenticateApiKey(stack.deps, key)).toMatchObject({ role: 'platform' });
  });

  it('rotates: a new secret value becomes the key and the previous one stops working', async () => {
    const first = 'c'.repeat(48);
    const second = 'd'.repeat(48);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: first });
    await handler({} as never, {} as never);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: second });
    await handler({} as never, {} as never);
    expect(await authenticateApiKey(stack.deps, second)).toMatchObject({ role: 'platform' });
    await expect(authenticateApiKey(stack.deps, first)).rejects.toMatchObject({ status: 401 });
  });

  it('makes a key when none is given (npm start on a fresh data folder), and refuses a malformed one', async () => {
    const { platformAdminKey } = await bootstrapPlatform(stack.deps);
    expect(platformAdminKey).toMatch(/^rf_/);
    await expect(bootstrapPlatform(stack.deps, { platformAdminKey: 'short' })).rejects.toThrow(/32 to 200/);
    await expect(
      bootstrapPlatform(stack.deps, { platformAdminKey: `${'e'.repeat(40)}.x.y` }),
    ).rejects.toThrow();
  });
});
