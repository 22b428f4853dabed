// The two ends of a map over an artifact (see shared/steps/map/index.ts, compileDistributed), run by their own
// function (functions/components/artifact-map.ts):
// - prepare: finds the file the map reads — the tenant's own artifact, uploaded, CSV/JSON/JSON Lines, or a list
//   the state holds by reference (stored as a JSON file for the map) — counts its items against the map's
//   `maxItems` (credits were reserved for that many; more would be work nobody paid for, so the map fails
//   before any item runs) and writes the map's step record, `running`, with its progress;
// - collect: reads what the Distributed Map's ResultWriter wrote (a manifest and the child executions' results),
//   writes the result artifact (one JSON line per item in input order: its output, or its error) and ends the
//   map's record; more failed items than tolerated fail the step, after the artifact is written.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { artifactKey, getArtifact, putProducedArtifact } from '../artifacts/artifact-records';
import { parseRows, sampleFormat } from '../artifacts/sample';
import { s3Of } from '../clients/s3';
import type { ItemResult } from '../components/map-batch';
import { causeMessage, StepRejected } from '../components/step-errors';
import { templateScope } from '../components/step-runner';
import { setting } from '../config';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';
import { derivedId } from '../ids';
import type { Step } from '../recipes/recipe-schema';
import { resolveTemplates } from '../recipes/template';
import type { RunState } from './execution-model';
import { hydrateReferenced, isPayloadRef, loadPayload } from './payload-store';

export type ItemsFormat = 'csv' | 'json' | 'jsonl';

/** What prepare leaves at `$.steps.<id>.source`: where the Distributed Map reads and writes. */
export interface MapSource {
  bucket: string;
  key: string;
  format: ItemsFormat;
  total: number;
  resultPrefix: string;
  /** When the map started: its record's start, and where its latency counts from. */
  startedAt: string;
}

interface MapReference {
  id: string;
  type: 'map';
  items: string;
  maxItems: number;
  steps: Step[];
  toleratedFailurePercent?: number;
  toleratedFailureCount?: number;
}

export type ArtifactMapEvent =
  | { map: 'prepare'; step: MapReference; state: RunState }
  | { map: 'collect'; step: MapReference; state: RunState };

export function runArtifactMap(deps: Deps, event: ArtifactMapEvent): Promise<unknown> {
  return event.map === 'prepare' ? prepareMap(deps, event) : collectMap(deps, event);
}

async function prepareMap(deps: Deps, { step, state }: ArtifactMapEvent): Promise<MapSource> {
  const { tenantId } = state.run;
  const bucket = setting(deps.config, 'ARTIFACT_BUCKET');
  const { key, format } = await locateItems(deps, state, step);
  const s3 = await s3Of(deps);
  const object = await s3.client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await object.Body!.transformToString();
  let total: number;
  try {
    // A JSON file is an array of items (the Distributed Map's JSON reader refuses anything else).
    const items = format === 'json' ? (JSON.parse(text) as unknown) : parseRows(format, text);
    if (!Array.isArray(items)) throw new StepRejected('a JSON file to map over must hold an array');
    total = items.length;
  } catch (error) {
    if (error instanceof ValidationFailed)
      throw new StepRejected(`the file cannot be read: ${error.message}`);
    if (error instanceof SyntaxError) throw new StepRejected('the file is not valid JSON');
    throw error;
  }
  if (total > step.maxItems) {
    throw new StepRejected(
      `the file has ${total} items, more than the map's maxItems (${step.maxItems}); raise maxItems (up to 1000000) to map over all of them`,
    );
  }
  // Counters already there stay: prepare runs again when its Task is retried, or when a local run resumes
  // after a restart, and the batches counted before are counted once (their markers say so).
  const { Attributes } = await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.step(tenantId, state.execution.id, step.id),
      UpdateExpression:
        'SET stepId = :id, #type = :map, #status = :running, attempts = :one, startedAt = if_not_exists(startedAt, :now), #items = if_not_exists(#items, :items), itemSteps = if_not_exists(itemSteps, :steps)',
      ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#items': 'items' },
      ExpressionAttributeValues: {
        ':id': step.id,
        ':map': 'map',
        ':running': 'running',
        ':one': 1,
        ':now': deps.now().toISOString(),
        ':items': { total, succeeded: 0, failed: 0 },
        ':steps': Object.fromEntries(step.steps.map((inner) => [inner.id, 0])),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const started = String(Attributes?.startedAt);
  return {
    bucket,
    key,
    format,
    total,
    resultPrefix: `tenants/${tenantId}/executions/${state.execution.id}/maps/${step.id}`,
    startedAt: started,
  };
}

/**
 * The object the map reads: an artifact named by id (`art_…`, or an object with one, such as `input.artifact`)
 * or an output too large for the state (stored by reference, JSON). Only the tenant's own objects.
 */
async function locateItems(
  deps: Deps,
  state: RunState,
  step: MapReference,
): Promise<{ key: string; format: ItemsFormat }> {
  const { tenantId } = state.run;
  const value = resolveTemplates(step.items, templateScope(state));
  if (isPayloadRef(value)) {
    const key = /^s3:\/\/[^/]+\/(.+)$/.exec(value.$ref)?.[1];
    if (!key?.startsWith(`tenants/${tenantId}/`)) throw new StepRejected('invalid payload reference');
    return { key, format: 'json' };
  }
  const id = typeof value === 'string' ? value : (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !/^art_[a-z0-9]+$/.test(id)) {
    // A list inside an output that travels by reference: read it out, and store it for the map to read.
    const items = resolveTemplates(
      step.items,
      templateScope(await hydrateReferenced(deps, state, step.items)),
    );
    if (!Array.isArray(items)) throw new StepRejected(`${step.items} is neither a list nor an artifact`);
    const key = `tenants/${tenantId}/executions/${state.execution.id}/maps/${step.id}/items.json`;
    const s3 = await s3Of(deps);
    await s3.client.send(
      new s3.PutObjectCommand({
        Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
        Key: key,
        Body: JSON.stringify(items),
        ContentType: 'application/json',
      }),
    );
    return { key, format: 'json' };
  }
  const artifact = await getArtifact(deps, tenantId, id).catch((error: unknown) => {
    if (error instanceof NotFound) throw new StepRejected(`no artifact ${id}`);
    throw error;
  });
  if (artifact.status !== 'uploaded') throw new StepRejected(`artifact ${id} is ${artifact.status}`);
  const format = sampleFormat(artifact.contentType, artifact.filename);
  if (!format)
    throw new StepRejected(`a map reads CSV, JSON or JSON Lines files, not ${artifact.contentType}`);
  return { key: artifactKey(tenantId, id), format };
}

/** What ResultWriter leaves: the manifest, and in each results file the child executions with one status. */
interface Manifest {
  DestinationBucket: string;
  ResultFiles: Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string }>>>;
}
interface ChildExecution {
  Input?: string;
  Output?: string;
  Status: string;
  Error?: string;
  Cause?: string;
}

async function collectMap(deps: Deps, { step, state }: ArtifactMapEvent) {
  const { tenantId } = state.run;
  const executionId = state.execution.id;
  const run = state.steps[step.id] as {
    source: MapSource;
    mapRun?: { ResultWriterDetails: { Key: string } };
    mapError?: { Error?: string; Cause?: string };
  };
  if (!run.mapRun) {
    // The Map Run itself failed (more batches failed as a whole than tolerated, or its reader or writer did):
    // what the record counted stays, the step fails.
    const message = `the map failed (${run.mapError?.Error ?? 'unknown'}): ${causeMessage(run.mapError?.Cause) ?? ''}`;
    await endMapRecord(deps, state, run.source, step.id, { error: { type: 'MapFailed', message } });
    throw new StepRejected(message);
  }
  const bucket = setting(deps.config, 'ARTIFACT_BUCKET');
  const s3 = await s3Of(deps);
  const readJson = async <T>(key: string): Promise<T> => {
    // Only what this run's map wrote, under the tenant's prefix.
    if (!key.startsWith(`${run.source.resultPrefix}/`)) throw new Error('results outside the map run');
    const object = await s3.client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString()) as T;
  };
  const manifest = await readJson<Manifest>(run.mapRun.ResultWriterDetails.Key);
  const lines: Array<ItemResult | undefined> = new Array(run.source.total);
  for (const [status, files] of Object.entries(manifest.ResultFiles)) {
    for (const file of files ?? []) {
      for (const child of await readJson<ChildExecution[]>(file.Key)) {
        if (status === 'SUCCEEDED') {
          const { results } = JSON.parse(child.Output ?? '{}') as { results: unknown };
          const items = (
            isPayloadRef(results) ? await loadPayload(deps, tenantId, results) : results
          ) as ItemResult[];
          for (const line of items) lines[line.index] = line;
          continue;
        }
        // A batch that failed as a whole (its function crashed or timed out) or never ran: each of its items
        // carries the batch's error.
        const { Items = [] } = JSON.parse(child.Input ?? '{}') as { Items?: Array<{ index: number }> };
        const error = {
          step: step.id,
          type: child.Error ?? 'NotRun',
          message:
            causeMessage(child.Cause) ?? `the item's batch ${status === 'PENDING' ? 'never ran' : 'failed'}`,
        };
        for (const item of Items) lines[item.index] = { index: item.index, error };
      }
    }
  }
  let failed = 0;
  const body = Array.from(lines, (line, index) => {
    const result = line ?? {
      index,
      error: { step: step.id, type: 'NotRun', message: 'the map ended before this item ran' },
    };
    if ('error' in result) failed += 1;
    return `${JSON.stringify(result)}\n`;
  }).join('');
  const total = run.source.total;
  const artifact = await putProducedArtifact(deps, tenantId, {
    id: derivedId('art', Date.parse(state.execution.startedAt), `${executionId}/${step.id}`),
    filename: `${executionId}-${step.id}-results.jsonl`,
    contentType: 'application/x-ndjson',
    body,
    producedBy: { executionId, stepId: step.id },
  });
  // As the Map Run counts them: past either limit the map fails; with neither, no item may fail.
  const limits = [
    step.toleratedFailureCount,
    step.toleratedFailurePercent === undefined ? undefined : (total * step.toleratedFailurePercent) / 100,
  ].filter((limit) => limit !== undefined);
  const tolerated = limits.length > 0 ? Math.min(...limits) : 0;
  const tooMany = failed > tolerated;
  const output = {
    artifact: {
      id: artifact.id,
      filename: artifact.filename,
      contentType: artifact.contentType,
      size: artifact.size,
    },
    items: total,
    succeeded: total - failed,
    failed,
  };
  const error = tooMany
    ? { type: 'ItemsFailed', message: `${failed} of ${total} items failed, more than tolerated` }
    : undefined;
  await endMapRecord(deps, state, run.source, step.id, { output, ...(error ? { error } : {}) });
  if (tooMany) {
    throw new StepRejected(
      `${failed} of ${total} items failed, more than the map tolerates; each item's error is in artifact ${artifact.id}`,
    );
  }
  return { output };
}

/** Ends the map's record: succeeded, or failed with an error; the final counts when the results were read. */
async function endMapRecord(
  deps: Deps,
  state: RunState,
  source: MapSource,
  stepId: string,
  end: {
    error?: { type: string; message: string };
    output?: { artifact: { id: string }; items: number; succeeded: number; failed: number };
  },
) {
  const now = deps.now();
  const sets = ['#status = :status', 'finishedAt = :now', 'latencyMs = :latency'];
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':status': end.error ? 'failed' : 'succeeded',
    ':now': now.toISOString(),
    ':latency': Math.max(0, now.getTime() - Date.parse(source.startedAt)),
  };
  if (end.error) {
    sets.push('#error = :error');
    names['#error'] = 'error';
    values[':error'] = end.error;
  }
  if (end.output) {
    const { artifact, items: total, succeeded, failed } = end.output;
    sets.push('#items = :items', 'outputPreview = :preview');
    names['#items'] = 'items';
    values[':items'] = { total, succeeded, failed, artifactId: artifact.id };
    values[':preview'] = JSON.stringify(end.output);
  }
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.step(state.run.tenantId, state.execution.id, stepId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_exists(startedAt)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
