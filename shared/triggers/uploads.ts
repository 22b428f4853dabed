// An uploaded object starts its trigger's recipe, exactly once per object version: the start carries a dedupe
// key of trigger, artifact and version, written in the same transaction as the credit reservation, so an event
// delivered twice (S3 and SQS both deliver at least once) starts one run.
import {
  type Artifact,
  artifactKey,
  getArtifact,
  parseArtifactKey,
  recordUploadRun,
} from '../artifacts/artifacts';
import { parseRows, sampleFormat } from '../artifacts/sample';
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import type { Deps } from '../deps';
import { InsufficientCredits, NotFound, TenantSuspended, ValidationFailed } from '../errors';
import { storeIfLarge } from '../executions/payload-store';
import { AlreadyStarted, startExecution } from '../executions/start-execution';
import { triggerForUpload, uploadInput } from './triggers';

export interface ObjectCreated {
  bucket: string;
  key: string;
  /** The object's versionId, or the event sequencer where the bucket is not versioned. */
  version: string;
}

/** Uploads up to this size are parsed into `input.rows`. */
export const ROWS_MAX_BYTES = 5 * 1024 * 1024;

export type UploadOutcome = 'started' | 'duplicate' | 'refused' | 'ignored';

interface S3EventRecord {
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; versionId?: string; sequencer?: string } };
}

/** The created objects of an S3 event notification (the body of an SQS message); a test event has none. */
export function objectsCreated(notification: unknown): ObjectCreated[] {
  const records = (notification as { Records?: S3EventRecord[] } | null)?.Records;
  if (!Array.isArray(records)) return [];
  return records.flatMap((record) => {
    const { bucket, object } = record.s3 ?? {};
    if (!record.eventName?.startsWith('ObjectCreated:') || !bucket?.name || !object?.key) return [];
    const version = object.versionId ?? object.sequencer;
    if (!version) return [];
    // Keys arrive URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    return [{ bucket: bucket.name, key, version }];
  });
}

export async function startFromUpload(deps: Deps, object: ObjectCreated): Promise<UploadOutcome> {
  const located = parseArtifactKey(object.key);
  if (!located || object.bucket !== setting(deps.config, 'ARTIFACT_BUCKET')) return 'ignored';
  const { tenantId, artifactId } = located;
  const artifact = await getArtifact(deps, tenantId, artifactId).catch((error: unknown) => {
    if (error instanceof NotFound) return null; // deleted before its event arrived
    throw error;
  });
  // Rejected uploads (a size other than declared) and objects gone again start nothing.
  if (artifact?.status !== 'uploaded') return 'ignored';
  // A file a run wrote (a map's results) is not an upload: starting a recipe from it could loop.
  if (artifact.producedBy) return 'ignored';
  const trigger = await triggerForUpload(deps, tenantId, artifact);
  if (!trigger) return 'ignored';
  try {
    const rows = await readRows(deps, tenantId, artifact, object.version);
    const execution = await startExecution(deps, {
      tenantId,
      recipeId: trigger.recipeId,
      input: uploadInput(
        trigger,
        {
          id: artifact.id,
          filename: artifact.filename,
          contentType: artifact.contentType,
          size: artifact.size,
          uploadedAt: artifact.uploadedAt!,
          version: object.version,
        },
        rows,
      ),
      trigger: 'upload',
      actor: { id: `trigger:${trigger.id}`, role: 'system' },
      dedupeKey: `upload#${trigger.id}#${artifact.id}#${object.version}`,
    });
    await recordUploadRun(deps, tenantId, artifact.id, { triggerId: trigger.id, executionId: execution.id });
    return 'started';
  } catch (error) {
    if (error instanceof AlreadyStarted) {
      await recordUploadRun(deps, tenantId, artifact.id, {
        triggerId: trigger.id,
        executionId: error.executionId,
      });
      return 'duplicate';
    }
    // Retrying cannot help a refused start (the recipe is gone, its input schema changed, credits ran out):
    // the artifact records why, and the message is done. Anything else (throttling, storage) is thrown, so
    // the queue delivers the message again. The plan's concurrency limit refuses nothing: the run is queued.
    if (
      error instanceof ValidationFailed ||
      error instanceof NotFound ||
      error instanceof InsufficientCredits ||
      error instanceof TenantSuspended
    ) {
      await recordUploadRun(deps, tenantId, artifact.id, { triggerId: trigger.id, error: error.message });
      return 'refused';
    }
    throw error;
  }
}

/**
 * The rows of a CSV, JSON or JSON Lines upload of at most ROWS_MAX_BYTES, for the run's `input.rows`: inline
 * when small, else by reference (templates read through it). Other files give no rows. A file that does not
 * parse refuses the start (ValidationFailed), so no credits go to a run that could not read its input.
 */
async function readRows(
  deps: Deps,
  tenantId: string,
  artifact: Artifact,
  version: string,
): Promise<unknown | undefined> {
  const format = sampleFormat(artifact.contentType, artifact.filename);
  if (!format || artifact.size > ROWS_MAX_BYTES) return undefined;
  const s3 = await s3Of(deps);
  const object = await s3.client.send(
    new s3.GetObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: artifactKey(tenantId, artifact.id),
    }),
  );
  const rows = parseRows(format, await object.Body!.transformToString());
  return storeIfLarge(deps, tenantId, `uploads/${artifact.id}-${version.replace(/[^\w.-]/g, '_')}`, rows);
}
