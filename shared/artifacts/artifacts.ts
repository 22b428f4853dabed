// Artifacts: files uploaded (and later produced) by a tenant, stored under the tenant's prefix of the artifact
// bucket. Uploads and downloads go through presigned URLs that sign one exact key (and, for uploads, the
// content type and length), so a URL can never reach another object, let alone another tenant's prefix.
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { newId } from '../ids';
import { getTrigger } from '../triggers/triggers';
import {
  ARTIFACT_ORDER,
  type Artifact,
  artifactKey,
  getArtifact,
  parseArtifactKey,
  putProducedArtifact,
} from './artifact-records';
import type { ArtifactInput } from './artifact-schema';
import { baseName } from './file-names';
import { type Sample, sampleFormat, sampleText } from './sample';

export { type Artifact, artifactKey, getArtifact, parseArtifactKey, putProducedArtifact };

export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;
const SAMPLE_WINDOW_BYTES = 256 * 1024;
const UPLOAD_URL_SECONDS = 900;
const DOWNLOAD_URL_SECONDS = 300;

export async function createArtifact(deps: Deps, tenantId: string, input: ArtifactInput) {
  if (input.triggerId) {
    await getTrigger(deps, tenantId, input.triggerId).catch((error: unknown) => {
      if (error instanceof NotFound)
        throw new ValidationFailed([{ path: 'triggerId', message: 'no trigger with this id' }]);
      throw error;
    });
  }
  const artifact: Artifact = {
    id: newId('art'),
    ...input,
    status: 'pending',
    createdAt: deps.now().toISOString(),
  };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.artifact(tenantId, artifact.id), ...artifact },
    }),
  );
  const s3 = await s3Of(deps);
  const url = await s3.getSignedUrl(
    s3.client,
    new s3.PutObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, artifact.id),
      ContentType: input.contentType,
      ContentLength: input.size,
    }),
    { expiresIn: UPLOAD_URL_SECONDS, signableHeaders: new Set(['content-type', 'content-length']) },
  );
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return {
    ...artifact,
    upload: { method: 'PUT', url, headers: { 'content-type': input.contentType }, expiresAt },
  };
}

export function listArtifacts(deps: Deps, tenantId: string, page: PageRequest) {
  const { PK } = keys.artifact(tenantId, '');
  return queryPartition(deps, { pk: PK, newestFirst: true }, page, (item) =>
    stripKeys<Artifact>(item, ARTIFACT_ORDER),
  );
}

export async function downloadArtifact(deps: Deps, tenantId: string, id: string) {
  const artifact = await uploaded(deps, tenantId, id);
  const s3 = await s3Of(deps);
  const url = await s3.getSignedUrl(
    s3.client,
    new s3.GetObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, id),
      ResponseContentDisposition: `attachment; filename="${baseName(artifact.filename).replace(/"/g, '')}"`,
    }),
    { expiresIn: DOWNLOAD_URL_SECONDS },
  );
  return { url, expiresAt: new Date(deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
}

export async function sampleArtifact(
  deps: Deps,
  tenantId: string,
  id: string,
): Promise<Sample & { id: string }> {
  const artifact = await uploaded(deps, tenantId, id);
  const format = sampleFormat(artifact.contentType, artifact.filename);
  if (!format) {
    throw new ValidationFailed([
      {
        path: 'contentType',
        message: `samples are available for CSV, JSON and JSON Lines, not ${artifact.contentType}`,
      },
    ]);
  }
  const s3 = await s3Of(deps);
  const object = await s3.client.send(
    new s3.GetObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, id),
      Range: `bytes=0-${SAMPLE_WINDOW_BYTES - 1}`,
    }),
  );
  const text = await object.Body!.transformToString();
  const complete = artifact.size <= SAMPLE_WINDOW_BYTES;
  return { id, ...sampleText(format, text, complete) };
}

export async function deleteArtifact(deps: Deps, tenantId: string, id: string): Promise<void> {
  await getArtifact(deps, tenantId, id);
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.DeleteObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, id),
    }),
  );
  await deps.db.send(
    new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.artifact(tenantId, id) }),
  );
}

export async function recordUploadRun(
  deps: Deps,
  tenantId: string,
  id: string,
  run: NonNullable<Artifact['run']>,
): Promise<void> {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.artifact(tenantId, id),
      UpdateExpression: 'SET #run = :run',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#run': 'run' },
      ExpressionAttributeValues: { ':run': run },
    }),
  );
}

async function uploaded(deps: Deps, tenantId: string, id: string): Promise<Artifact> {
  const artifact = await getArtifact(deps, tenantId, id);
  if (artifact.status !== 'uploaded') {
    throw new Conflict(
      artifact.status === 'rejected'
        ? `the upload was rejected: ${artifact.reason}`
        : 'the artifact has not been uploaded yet',
    );
  }
  return artifact;
}
