// The run state at the moment a run failed (input and every earlier step's output), kept in the artifact
// bucket: Step Functions payloads can reach 256 KiB, more than a DynamoDB item should carry.
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import type { RunState } from './execution-model';

const key = (tenantId: string, executionId: string) =>
  `tenants/${tenantId}/executions/${executionId}/failed-state.json`;

export async function saveFailedState(deps: Deps, state: RunState): Promise<void> {
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.PutObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: key(state.run.tenantId, state.execution.id),
      Body: JSON.stringify(state),
      ContentType: 'application/json',
    }),
  );
}

export async function loadFailedState(deps: Deps, tenantId: string, executionId: string): Promise<RunState> {
  try {
    const s3 = await s3Of(deps);
    const object = await s3.client.send(
      new s3.GetObjectCommand({
        Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
        Key: key(tenantId, executionId),
      }),
    );
    return JSON.parse(await object.Body!.transformToString()) as RunState;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') throw new NotFound('the failed state of this execution');
    throw error;
  }
}
