// The two ends of a map over an artifact on DynamoDB Local and the local S3 server: prepare refuses what it
// cannot read and records the map with its counters; a batch counts once however often it is invoked; and a
// Map Run that failed as a whole still ends the map's record (failed, its counts kept) instead of leaving it
// running.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Of } from '../../shared/clients/s3';
import { runBatch } from '../../shared/components/map-batch';
import { setting } from '../../shared/config';
import { runArtifactMap } from '../../shared/executions/artifact-map';
import type { RunState } from '../../shared/executions/execution-model';
import { listStepRecords } from '../../shared/executions/execution-repository';
import { fusedComponents } from '../../shared/steps/fused-components';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack.stop();
});

const tenantId = 'ten_map_it';
const step = {
  id: 'each',
  type: 'map' as const,
  items: '{{input.rows}}',
  maxItems: 10,
  steps: [{ id: 'shape', type: 'transform' as const, source: '{{item}}', ops: [] }],
};

function stateOf(executionId: string, input: unknown): RunState {
  return {
    input,
    steps: {},
    settings: {},
    execution: { id: executionId, startedAt: new Date().toISOString() },
    run: {
      tenantId,
      recipeId: 'rcp_x',
      version: 1,
      httpAllowList: [],
      ai: {},
      credits: { reserved: 100, run: 1, steps: { each: 0, shape: 1 } },
    },
  };
}

async function mapRecord(executionId: string) {
  return (await listStepRecords(stack.deps, tenantId, executionId)).find((r) => r.stepId === 'each')!;
}

describe('a map over an artifact, its two ends', () => {
  it('counts a batch once however often it is invoked, and ends a failed Map Run as failed', async () => {
    const state = stateOf('exe_mapit1', { rows: [{ a: 1 }, { a: 2 }, { a: 3 }] });
    const source = (await runArtifactMap(stack.deps, { map: 'prepare', step, state })) as Record<
      string,
      unknown
    >;
    expect(source).toMatchObject({
      format: 'json',
      total: 3,
      key: expect.stringContaining(`tenants/${tenantId}/`),
    });
    expect(await mapRecord('exe_mapit1')).toMatchObject({
      status: 'running',
      items: { total: 3, succeeded: 0, failed: 0 },
    });
    const batch = {
      map: 'batch' as const,
      mapStep: 'each',
      group: step.steps,
      items: [
        { index: 0, value: { a: 1 } },
        { index: 1, value: { a: 2 } },
      ],
      state,
    };
    const first = await runBatch(stack.deps, batch, fusedComponents);
    expect(first.results).toEqual([
      { index: 0, output: { a: 1 } },
      { index: 1, output: { a: 2 } },
    ]);
    await runBatch(stack.deps, batch, fusedComponents); // Lambda retried the same batch
    expect(await mapRecord('exe_mapit1')).toMatchObject({
      items: { total: 3, succeeded: 2, failed: 0 },
      itemSteps: { shape: 2 },
    });

    const failed = {
      ...state,
      steps: {
        each: {
          source,
          mapError: { Error: 'States.ExceedsToleratedFailureThreshold', Cause: 'too many batches failed' },
        },
      },
    } as RunState;
    await expect(runArtifactMap(stack.deps, { map: 'collect', step, state: failed })).rejects.toMatchObject({
      name: 'StepRejected',
      message: expect.stringContaining('States.ExceedsToleratedFailureThreshold'),
    });
    expect(await mapRecord('exe_mapit1')).toMatchObject({
      status: 'failed',
      items: { total: 3, succeeded: 2 },
      error: { type: 'MapFailed' },
    });
  });

  it('refuses a list that is not one, and a file of another tenant reached through a reference', async () => {
    await expect(
      runArtifactMap(stack.deps, { map: 'prepare', step, state: stateOf('exe_mapit2', { rows: 'nope' }) }),
    ).rejects.toMatchObject({ name: 'StepRejected', message: expect.stringContaining('neither a list') });
    const bucket = setting(stack.deps.config, 'ARTIFACT_BUCKET');
    const key = 'tenants/ten_other/executions/x.json';
    await (await s3Of(stack.deps)).client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: '[1,2]' }),
    );
    const foreign = stateOf('exe_mapit3', { rows: { $ref: `s3://${bucket}/${key}`, bytes: 5 } });
    await expect(runArtifactMap(stack.deps, { map: 'prepare', step, state: foreign })).rejects.toMatchObject({
      message: 'invalid payload reference',
    });
  });
});
