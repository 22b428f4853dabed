// Artifact records and their objects, without presigned URLs, request schemas or triggers: what the functions
// that only read a tenant's file or store one a run produced (a map over an artifact) need.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';
import { NotFound } from '../errors';

export interface Artifact {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  status: 'pending' | 'uploaded' | 'rejected';
  reason?: string;
  triggerId?: string;
  createdAt: string;
  uploadedAt?: string;
  /** The run its upload started through a trigger, or why none could start. */
  run?: { triggerId: string; executionId?: string; error?: string };
  /** A file a run wrote (a map's results), not an upload: it starts no trigger's recipe. */
  producedBy?: { executionId: string; stepId: string };
}

export const ARTIFACT_ORDER = [
  'id',
  'filename',
  'contentType',
  'size',
  'status',
  'reason',
  'triggerId',
  'createdAt',
  'uploadedAt',
  'run',
  'producedBy',
];
export const artifactKey = (tenantId: string, id: string) => `tenants/${tenantId}/artifacts/${id}`;

/** The tenant and artifact an object key belongs to, or null for any other object of the bucket. */
export function parseArtifactKey(key: string): { tenantId: string; artifactId: string } | null {
  const match = /^tenants\/([^/]+)\/artifacts\/(art_[^/]+)$/.exec(key);
  return match ? { tenantId: match[1]!, artifactId: match[2]! } : null;
}

/** Reads the record; a pending one is checked against the bucket and marked uploaded once its object is there. */
export async function getArtifact(deps: Deps, tenantId: string, id: string): Promise<Artifact> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.artifact(tenantId, id) }),
  );
  if (!Item) throw new NotFound('artifact');
  const artifact = stripKeys<Artifact>(Item, ARTIFACT_ORDER);
  if (artifact.status !== 'pending') return artifact;
  try {
    const s3 = await s3Of(deps);
    const head = await s3.client.send(
      new s3.HeadObjectCommand({
        Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
        Key: artifactKey(tenantId, id),
      }),
    );
    // S3 enforces the signed length; checked here too, so no object of another size is ever accepted.
    if (head.ContentLength !== artifact.size) {
      return rejectUpload(
        deps,
        tenantId,
        artifact,
        `${head.ContentLength} bytes arrived, ${artifact.size} were declared`,
      );
    }
    const uploadedAt = (head.LastModified ?? deps.now()).toISOString();
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.artifact(tenantId, id),
        UpdateExpression: 'SET #status = :uploaded, uploadedAt = :at, size = :size',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':uploaded': 'uploaded',
          ':at': uploadedAt,
          ':size': head.ContentLength ?? artifact.size,
        },
      }),
    );
    return { ...artifact, status: 'uploaded', uploadedAt, size: head.ContentLength ?? artifact.size };
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return artifact;
    throw error;
  }
}

/**
 * Stores a file a run produced as an artifact of the tenant's, record first (so the object's upload event finds
 * it and starts nothing), then the object. Both are keyed by the caller's id, so a repeated call replaces them.
 */
export async function putProducedArtifact(
  deps: Deps,
  tenantId: string,
  file: Pick<Artifact, 'id' | 'filename' | 'contentType'> & {
    body: string;
    producedBy: NonNullable<Artifact['producedBy']>;
  },
): Promise<Artifact> {
  const { body, ...fields } = file;
  const now = deps.now().toISOString();
  const artifact: Artifact = {
    ...fields,
    size: Buffer.byteLength(body),
    status: 'uploaded',
    createdAt: now,
    uploadedAt: now,
  };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.artifact(tenantId, artifact.id), ...artifact },
    }),
  );
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.PutObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, artifact.id),
      Body: body,
      ContentType: artifact.contentType,
    }),
  );
  return artifact;
}

export async function rejectUpload(
  deps: Deps,
  tenantId: string,
  artifact: Artifact,
  reason: string,
): Promise<Artifact> {
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.DeleteObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, artifact.id),
    }),
  );
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.artifact(tenantId, artifact.id),
      UpdateExpression: 'SET #status = :rejected, reason = :reason',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':rejected': 'rejected', ':reason': reason },
    }),
  );
  return { ...artifact, status: 'rejected', reason };
}
