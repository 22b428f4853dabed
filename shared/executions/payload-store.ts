// Large step outputs travel by reference: Step Functions caps a state at 256 KiB, so an output above the
// inline limit is stored in the artifact bucket and the state carries { $ref, bytes }. Components and Finalize
// load the references their templates read, so templates see the real value.
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import type { Deps } from '../deps';
import { collectTemplatePaths, parsePath } from '../recipes/template';
import type { RunState } from './execution-model';

export const INLINE_LIMIT_BYTES = 32 * 1024;

export interface PayloadRef {
  $ref: string;
  bytes: number;
}

export function isPayloadRef(value: unknown): value is PayloadRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PayloadRef).$ref === 'string' &&
    'bytes' in value
  );
}

/** Returns the value itself when small, else stores it and returns its reference. */
export async function storeIfLarge(
  deps: Deps,
  tenantId: string,
  name: string,
  value: unknown,
  limitBytes = INLINE_LIMIT_BYTES,
): Promise<unknown> {
  const text = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(text);
  if (bytes <= limitBytes) return value;
  const key = `tenants/${tenantId}/executions/${name}.json`;
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.PutObjectCommand({
      Bucket: setting(deps.config, 'ARTIFACT_BUCKET'),
      Key: key,
      Body: text,
      ContentType: 'application/json',
    }),
  );
  return { $ref: `s3://${setting(deps.config, 'ARTIFACT_BUCKET')}/${key}`, bytes } satisfies PayloadRef;
}

/** Where a step's whole output is kept when its record holds only a preview (see step-runner.ts). */
export function stepOutputName(executionId: string, stepId: string): string {
  return `${executionId}/steps/${stepId}`;
}

/** The reference `storeIfLarge` gave a step's output, rebuilt from the run and step ids alone. */
export function stepOutputRef(
  deps: Deps,
  tenantId: string,
  executionId: string,
  stepId: string,
  bytes: number,
) {
  const key = `tenants/${tenantId}/executions/${stepOutputName(executionId, stepId)}.json`;
  return { $ref: `s3://${setting(deps.config, 'ARTIFACT_BUCKET')}/${key}`, bytes } satisfies PayloadRef;
}

export async function loadPayload(deps: Deps, tenantId: string, ref: PayloadRef): Promise<unknown> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref.$ref);
  // A reference may only point into the tenant's own prefix, whatever the state says.
  if (!match || !match[2]!.startsWith(`tenants/${tenantId}/`)) throw new Error('invalid payload reference');
  const s3 = await s3Of(deps);
  const object = await s3.client.send(new s3.GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  return JSON.parse(await object.Body!.transformToString());
}

/**
 * Replaces, in a copy of the state, the references its templates read: outputs of steps, and input fields
 * passed by reference (the rows of an uploaded file).
 */
export async function hydrateReferenced(deps: Deps, state: RunState, templates: unknown): Promise<RunState> {
  const paths = collectTemplatePaths(templates).map(parsePath);
  const stepIds = new Set(paths.filter(([root]) => root === 'steps').map(([, id]) => id!));
  const steps = { ...state.steps };
  const input =
    state.input && typeof state.input === 'object' && !Array.isArray(state.input)
      ? { ...(state.input as Record<string, unknown>) }
      : state.input;
  // `{{input}}` reads every field; `{{input.rows}}` one.
  const inputFields = new Set(
    paths.some((path) => path[0] === 'input' && path.length === 1) && input && typeof input === 'object'
      ? Object.keys(input)
      : paths.filter(([root]) => root === 'input').map(([, field]) => field!),
  );
  await Promise.all([
    ...[...stepIds].map(async (id) => {
      const output = steps[id]?.output;
      if (isPayloadRef(output))
        steps[id] = { ...steps[id], output: await loadPayload(deps, state.run.tenantId, output) };
    }),
    ...[...inputFields].map(async (field) => {
      const fields = input as Record<string, unknown>;
      if (fields && typeof fields === 'object' && isPayloadRef(fields[field]))
        fields[field] = await loadPayload(deps, state.run.tenantId, fields[field]);
    }),
  ]);
  return { ...state, steps, input };
}
