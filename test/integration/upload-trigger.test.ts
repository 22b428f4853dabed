// The upload trigger handler on real DynamoDB Local, the local S3 server and the Step Functions emulator:
// one run per object version, however often its notification is delivered.
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/triggers/upload';
import { createArtifact, getArtifact } from '../../shared/artifacts/artifacts';
import { getAccount, openAccountIfMissing } from '../../shared/credits/credits';
import { listExecutions } from '../../shared/executions/execution-repository';
import { createRecipe, updateRecipe } from '../../shared/recipes/recipes';
import { changeTenant } from '../../shared/tenants/tenant-admin';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';
import { createTrigger } from '../../shared/triggers/triggers';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const tenant = 'ten_uploads';

function sqsEvent(key: string, version: string, copies = 1): SQSEvent {
  const notification = {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: stack.deps.config.ARTIFACT_BUCKET },
          object: { key, size: 24, versionId: version, sequencer: '00' },
        },
      },
    ],
  };
  return {
    Records: Array.from({ length: copies }, (_, i) => ({
      messageId: `m-${version}-${i}`,
      receiptHandle: 'r',
      body: JSON.stringify(notification),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 's3',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:uploads',
      awsRegion: 'us-east-1',
    })),
  };
}

async function uploadedArtifact(filename: string, body: string) {
  const created = await createArtifact(stack.deps, tenant, {
    filename,
    contentType: 'text/csv',
    size: Buffer.byteLength(body),
  });
  const put = await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body });
  expect(put.status).toBe(200);
  return created;
}

describe('upload trigger', () => {
  it('starts one run per object version when the same notification is delivered twice', async () => {
    const { deps } = stack;
    await openAccountIfMissing(deps, tenant, 'enterprise');
    const recipe = await createRecipe(deps, tenant, {
      name: 'on upload',
      inputSchema: { type: 'object', required: ['artifact'] },
      steps: [{ id: 'name', type: 'transform', source: '{{input.artifact.filename}}', ops: [] }],
    });
    const trigger = await createTrigger(deps, tenant, { recipeId: recipe.id, prefix: 'leads-', input: {} });
    const artifact = await uploadedArtifact('leads-1.csv', 'domain\nacme.example\n');
    const key = `tenants/${tenant}/artifacts/${artifact.id}`;
    const before = (await getAccount(deps, tenant)).balance;

    // Twice in one batch and once more in a later batch, as SQS may redeliver.
    const first = await handler(sqsEvent(key, 'v1', 2), {} as never);
    const again = await handler(sqsEvent(key, 'v1'), {} as never);
    expect(first).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    await stack.idle();
    let runs = await listExecutions(deps, tenant, { recipeId: recipe.id });
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({
      trigger: 'upload',
      status: 'succeeded',
      input: { artifact: { id: artifact.id, filename: 'leads-1.csv' }, rows: [{ domain: 'acme.example' }] },
    });
    const stored = await getArtifact(deps, tenant, artifact.id);
    expect(stored.run).toEqual({ triggerId: trigger.id, executionId: runs.items[0]!.id });
    // Only the one run was charged.
    const charged = before - (await getAccount(deps, tenant)).balance;
    expect(charged).toBe(runs.items[0]!.creditsCharged);

    // A new version of the object is a new upload.
    await handler(sqsEvent(key, 'v2'), {} as never);
    await stack.idle();
    runs = await listExecutions(deps, tenant, { recipeId: recipe.id });
    expect(runs.items).toHaveLength(2);
  });

  it('starts nothing for a suspended tenant and records why on the artifact, without a retry', async () => {
    const { deps } = stack;
    const suspended = 'ten_uploads_suspended';
    await putTenantIfMissing(deps, {
      id: suspended,
      name: 's',
      plan: 'pro',
      status: 'active',
      createdAt: '',
    });
    await openAccountIfMissing(deps, suspended, 'pro');
    const recipe = await createRecipe(deps, suspended, {
      name: 'on upload',
      steps: [{ id: 'name', type: 'transform', source: '{{input.artifact.filename}}', ops: [] }],
    });
    await createTrigger(deps, suspended, { recipeId: recipe.id, prefix: 'held-', input: {} });
    const created = await createArtifact(deps, suspended, {
      filename: 'held-1.csv',
      contentType: 'text/csv',
      size: 2,
    });
    await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body: 'a\n' });
    await changeTenant(
      deps,
      suspended,
      { status: 'suspended' },
      { tenantId: 'platform', role: 'platform', keyId: 't' },
    );
    const result = await handler(sqsEvent(`tenants/${suspended}/artifacts/${created.id}`, 'v1'), {} as never);
    expect(result).toEqual({ batchItemFailures: [] }); // recorded, not redelivered
    expect((await getArtifact(deps, suspended, created.id)).run).toMatchObject({
      error: expect.stringContaining('suspended'),
    });
    expect((await listExecutions(deps, suspended, { recipeId: recipe.id })).items).toEqual([]);
  });

  it('passes a large file’s rows by reference, and steps read them through it', async () => {
    const { deps } = stack;
    const recipe = await createRecipe(deps, tenant, {
      name: 'big upload',
      steps: [
        {
          id: 'top',
          type: 'transform',
          source: '{{input.rows}}',
          ops: [
            { op: 'sort', by: 'n', order: 'desc' },
            { op: 'limit', count: 2 },
          ],
        },
      ],
    });
    await createTrigger(deps, tenant, { recipeId: recipe.id, prefix: 'big-', input: {} });
    const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"label":"row ${i}"}`);
    const artifact = await createArtifact(deps, tenant, {
      filename: 'big-1.jsonl',
      contentType: 'application/x-ndjson',
      size: Buffer.byteLength(lines.join('\n')),
    });
    await fetch(artifact.upload.url, {
      method: 'PUT',
      headers: artifact.upload.headers,
      body: lines.join('\n'),
    });
    await handler(sqsEvent(`tenants/${tenant}/artifacts/${artifact.id}`, 'v1'), {} as never);
    await stack.idle();
    const [run] = (await listExecutions(deps, tenant, { recipeId: recipe.id })).items;
    expect(run!.input).toMatchObject({ rows: { $ref: expect.stringContaining(`tenants/${tenant}/`) } });
    expect(run).toMatchObject({ status: 'succeeded', output: [{ n: 2999 }, { n: 2998 }] });
  });

  it('ignores objects that are not artifacts and uploads no trigger matches', async () => {
    const { deps } = stack;
    const unmatched = await uploadedArtifact('invoices-1.csv', 'n\n1\n');
    const result = await handler(
      {
        Records: [
          ...sqsEvent(`tenants/${tenant}/artifacts/${unmatched.id}`, 'v1').Records,
          ...sqsEvent(`tenants/${tenant}/executions/exe_1/step.json`, 'v1').Records,
          { ...sqsEvent('x', 'v1').Records[0]!, messageId: 'not-json', body: 'not json' },
        ],
      },
      {} as never,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await getArtifact(deps, tenant, unmatched.id)).run).toBeUndefined();
  });

  it('records why a run could not start instead of retrying it forever', async () => {
    const { deps } = stack;
    const recipe = await createRecipe(deps, tenant, {
      name: 'needs a region',
      inputSchema: { type: 'object', properties: { region: { type: 'string' } } },
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    const trigger = await createTrigger(deps, tenant, { recipeId: recipe.id, prefix: 'eu-', input: {} });
    // The recipe changes after the trigger was bound: its schema now rejects upload runs.
    await updateRecipe(deps, tenant, recipe.id, {
      name: 'needs a region',
      inputSchema: { type: 'object', required: ['region'] },
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    const artifact = await uploadedArtifact('eu-1.csv', 'n\n1\n');
    const result = await handler(sqsEvent(`tenants/${tenant}/artifacts/${artifact.id}`, 'v1'), {} as never);
    expect(result).toEqual({ batchItemFailures: [] });
    const stored = await getArtifact(deps, tenant, artifact.id);
    expect(stored.run).toMatchObject({ triggerId: trigger.id, error: expect.stringContaining('region') });
  });
});
