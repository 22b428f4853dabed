// Upload triggers through the HTTP API of the local runtime: a presigned upload starts exactly one run per
// object, although the runtime's queue delivers every notification twice (LOCAL_QUEUE_DELIVER_TWICE in the
// global setup), as SQS may.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, uploadArtifact } from '../support/api-client';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const tenant = await platform('POST', '/v1/tenants', { name: 'uploads', plan: 'enterprise' });
  api = apiClient(tenant.body!.apiKey.key);
});

const csv = 'domain,name\nacme.example,Acme\nbluefin.example,Bluefin\n';

async function recipeOverUploads(name: string) {
  const recipe = await api('POST', '/v1/recipes', {
    name,
    inputSchema: {
      type: 'object',
      required: ['artifact', 'campaign'],
      properties: { campaign: { type: 'string' }, artifact: { type: 'object', required: ['id'] } },
    },
    steps: [
      {
        id: 'describe',
        type: 'transform',
        source: { file: '{{input.artifact.filename}}', campaign: '{{input.campaign}}' },
        ops: [],
      },
    ],
  });
  expect(recipe.status).toBe(201);
  return recipe.body!.id as string;
}

const upload = (filename: string, body: string, triggerId?: string) =>
  uploadArtifact(api, { filename, contentType: 'text/csv', body, ...(triggerId ? { triggerId } : {}) });

async function runsOf(recipeId: string) {
  return (await api('GET', `/v1/executions?recipeId=${recipeId}`)).body!.items as Array<{
    id: string;
    status: string;
    trigger: string;
  }>;
}

/** Waits for the artifact's run to finish, then long enough for the duplicate delivery to have been handled. */
async function settledRun(artifactId: string) {
  for (let i = 0; i < 100; i++) {
    const artifact = (await api('GET', `/v1/artifacts/${artifactId}`)).body!;
    if (artifact.run?.executionId) {
      const execution = (await api('GET', `/v1/executions/${artifact.run.executionId}`)).body!;
      if (execution.status === 'succeeded') {
        await sleep(500);
        return { artifact, execution };
      }
    }
    await sleep(100);
  }
  throw new Error(`no finished run for ${artifactId}`);
}

describe('upload triggers', () => {
  it('starts one run per uploaded object whose name matches the prefix, with the artifact as input', async () => {
    const recipeId = await recipeOverUploads('leads on upload');
    const trigger = await api('POST', '/v1/triggers', {
      recipeId,
      prefix: 'leads-',
      input: { campaign: 'winter' },
    });
    expect(trigger.status).toBe(201);
    expect(trigger.body).toMatchObject({ id: expect.stringMatching(/^trg_/), prefix: 'leads-' });
    expect((await api('GET', '/v1/triggers')).body!.items.map((t: { id: string }) => t.id)).toContain(
      trigger.body!.id,
    );

    const artifactId = await upload('leads-november.csv', csv);
    const { artifact, execution } = await settledRun(artifactId);
    expect(artifact.run).toEqual({ triggerId: trigger.body!.id, executionId: execution.id });
    expect(execution).toMatchObject({
      trigger: 'upload',
      input: {
        campaign: 'winter',
        artifact: {
          id: artifactId,
          filename: 'leads-november.csv',
          contentType: 'text/csv',
          size: Buffer.byteLength(csv),
        },
        rows: [
          { domain: 'acme.example', name: 'Acme' },
          { domain: 'bluefin.example', name: 'Bluefin' },
        ],
      },
      output: { file: 'leads-november.csv', campaign: 'winter' },
    });
    await upload('invoices-november.csv', csv); // no trigger matches
    await upload('leads-december.csv', csv);
    for (let i = 0; i < 100 && (await runsOf(recipeId)).length < 2; i++) await sleep(100);
    await sleep(1000);
    const runs = await runsOf(recipeId);
    expect(runs.map((r) => r.trigger)).toEqual(['upload', 'upload']);
  });

  it('starts the trigger an artifact names, and stops starting anything once the trigger is deleted', async () => {
    const recipeId = await recipeOverUploads('named trigger');
    const trigger = (await api('POST', '/v1/triggers', { recipeId, input: { campaign: 'spring' } })).body!;
    const artifactId = await upload('anything.csv', csv, trigger.id);
    const { execution } = await settledRun(artifactId);
    expect(execution.input).toMatchObject({ campaign: 'spring', artifact: { id: artifactId } });

    expect((await api('DELETE', `/v1/triggers/${trigger.id}`)).status).toBe(204);
    expect((await api('GET', `/v1/triggers/${trigger.id}`)).status).toBe(404);
    const created = await api('POST', '/v1/artifacts', {
      filename: 'late.csv',
      contentType: 'text/csv',
      size: 4,
      triggerId: trigger.id,
    });
    expect([created.status, created.body!.errors[0].path]).toEqual([422, 'triggerId']);
    expect(await runsOf(recipeId)).toHaveLength(1);
  });

  it('binds a folder-like prefix to uploads named into that folder', async () => {
    const recipeId = await recipeOverUploads('incoming folder');
    const trigger = await api('POST', '/v1/triggers', {
      recipeId,
      prefix: 'incoming/',
      input: { campaign: 'q1' },
    });
    expect(trigger.status).toBe(201);
    const artifactId = await upload('incoming/2026/leads.csv', csv);
    const { execution } = await settledRun(artifactId);
    expect(execution.input.artifact.filename).toBe('incoming/2026/leads.csv');
    expect(await runsOf(recipeId)).toHaveLength(1);
  });

  it('refuses bad bindings with the field named', async () => {
    const recipeId = await recipeOverUploads('strict');
    const missingInput = await api('POST', '/v1/triggers', { recipeId, prefix: 'strict-' });
    expect(missingInput.status).toBe(422);
    expect(missingInput.body!.errors[0]).toMatchObject({ path: 'input.campaign' });
    const noRecipe = await api('POST', '/v1/triggers', { recipeId: 'rcp_missing', input: {} });
    expect([noRecipe.status, noRecipe.body!.errors[0].path]).toEqual([422, 'recipeId']);
    const badField = await api('POST', '/v1/triggers', { recipeId, prefix: '../up', input: {} });
    expect([badField.status, badField.body!.errors[0].path]).toEqual([422, 'prefix']);
    const first = await api('POST', '/v1/triggers', {
      recipeId,
      prefix: 'reports-',
      input: { campaign: 'x' },
    });
    expect(first.status).toBe(201);
    const overlapping = await api('POST', '/v1/triggers', {
      recipeId,
      prefix: 'reports-2026',
      input: { campaign: 'x' },
    });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body!.detail).toContain(first.body!.id);
  });
});
