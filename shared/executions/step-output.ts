// A step's whole output, for a reader who wants more than the preview its record holds (the console's
// "Load full output"). Kept apart from the repository so component functions do not bundle the presigner.
import { s3Of } from '../clients/s3';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import type { StepRecord } from './execution-model';
import { findStepRecord, getExecutionRecord } from './execution-repository';
import { loadPayload, stepOutputRef } from './payload-store';

/** Returned inline up to this size; beyond it, as a short-lived download URL. */
const INLINE_BYTES = 1024 * 1024;
const URL_SECONDS = 300;

export async function getStepOutput(deps: Deps, tenantId: string, executionId: string, stepId: string) {
  await getExecutionRecord(deps, tenantId, executionId); // 404 for a run that is not the tenant's
  const step = await findStepRecord(deps, tenantId, executionId, stepId);
  if (!step) throw new NotFound(`step ${stepId} of this run`);
  if (step.outputBytes === undefined)
    return { output: wholePreview(step), bytes: step.outputPreview!.length };
  const ref = stepOutputRef(deps, tenantId, executionId, stepId, step.outputBytes);
  if (step.outputBytes <= INLINE_BYTES) {
    return { output: await loadPayload(deps, tenantId, ref), bytes: step.outputBytes };
  }
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref.$ref)!;
  const s3 = await s3Of(deps);
  const url = await s3.getSignedUrl(s3.client, new s3.GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: URL_SECONDS,
  });
  const expiresAt = new Date(deps.now().getTime() + URL_SECONDS * 1000).toISOString();
  return { bytes: step.outputBytes, url, expiresAt };
}

/** A preview that was never cut short is the whole output. */
function wholePreview(step: StepRecord): unknown {
  try {
    if (step.outputPreview !== undefined) return JSON.parse(step.outputPreview);
  } catch {}
  throw new NotFound(`the whole output of step ${step.stepId}`);
}
