// Upload triggers: a recipe bound to uploads. An artifact created with a triggerId starts that trigger's recipe
// when its object arrives; an artifact without one starts the trigger whose filename prefix it matches. As with
// S3 event notifications, the prefixes of a tenant's triggers may not overlap, so at most one trigger matches.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteExisting } from '../data/delete-existing';
import { fromStored, toStored } from '../data/json-values';
import { keys, stripKeys } from '../data/keys';
import { eachInPartition, type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { newId } from '../ids';
import { validateJsonSchema } from '../json-schema';
import { getRecipe } from '../recipes/recipe-records';
import type { TriggerInput } from './trigger-schema';

export interface Trigger {
  id: string;
  recipeId: string;
  prefix?: string;
  input: Record<string, unknown>;
  description?: string;
  createdAt: string;
}

/** What a run started by an upload receives as `input.artifact`. */
export interface UploadedArtifact {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  uploadedAt: string;
  /** The S3 object version (or, where the bucket is not versioned, the event sequencer). */
  version: string;
}

const ORDER = ['id', 'recipeId', 'prefix', 'input', 'description', 'createdAt'];

/** A run's input: the trigger's fixed input, the artifact, and (for CSV, JSON, JSON Lines) its rows. */
export function uploadInput(
  trigger: Trigger,
  artifact: UploadedArtifact,
  rows?: unknown,
): Record<string, unknown> {
  return { ...trigger.input, artifact, ...(rows === undefined ? {} : { rows }) };
}

export async function createTrigger(deps: Deps, tenantId: string, input: TriggerInput): Promise<Trigger> {
  const recipe = await getRecipe(deps, tenantId, input.recipeId).catch((error: unknown) => {
    if (error instanceof NotFound)
      throw new ValidationFailed([{ path: 'recipeId', message: 'no recipe with this id' }]);
    throw error;
  });
  const trigger: Trigger = { id: newId('trg'), ...input, createdAt: deps.now().toISOString() };
  // A run must be able to start from an upload: check the recipe's input schema against a typical one now
  // rather than on every upload.
  const example = uploadInput(
    trigger,
    {
      id: 'art_example',
      filename: `${input.prefix ?? ''}upload.csv`,
      contentType: 'text/csv',
      size: 1,
      uploadedAt: trigger.createdAt,
      version: 'example',
    },
    [],
  );
  const problems = validateJsonSchema(recipe.inputSchema, example, 'input');
  if (problems.length > 0) {
    throw new ValidationFailed(
      problems.map((problem) => ({
        path: problem.path.startsWith('input.artifact') ? 'recipeId' : problem.path,
        message: `${problem.message} (in the recipe's inputSchema, for runs started by uploads)`,
      })),
    );
  }
  if (input.prefix !== undefined) {
    const overlapping = (await allTriggers(deps, tenantId)).find(
      (other) =>
        other.prefix !== undefined &&
        (other.prefix.startsWith(input.prefix!) || input.prefix!.startsWith(other.prefix)),
    );
    if (overlapping)
      throw new Conflict(`the prefix overlaps trigger ${overlapping.id} (prefix "${overlapping.prefix}")`);
  }
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.trigger(tenantId, trigger.id), ...trigger, input: toStored(trigger.input) },
    }),
  );
  return trigger;
}

export async function getTrigger(deps: Deps, tenantId: string, id: string): Promise<Trigger> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.trigger(tenantId, id) }),
  );
  if (!Item) throw new NotFound('trigger');
  return toTrigger(Item);
}

export function listTriggers(deps: Deps, tenantId: string, page: PageRequest) {
  return queryPartition(deps, { pk: keys.trigger(tenantId, '').PK }, page, (item) => toTrigger(item));
}

export function deleteTrigger(deps: Deps, tenantId: string, id: string): Promise<void> {
  return deleteExisting(deps, keys.trigger(tenantId, id), 'trigger');
}

/** The trigger an upload starts: the one it names, else the one with the longest prefix of its filename. */
export async function triggerForUpload(
  deps: Deps,
  tenantId: string,
  artifact: { filename: string; triggerId?: string },
): Promise<Trigger | null> {
  if (artifact.triggerId) {
    // A trigger deleted since the artifact named it starts nothing; any other failure is retried.
    return getTrigger(deps, tenantId, artifact.triggerId).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
  }
  const matching = (await allTriggers(deps, tenantId))
    .filter((trigger) => trigger.prefix !== undefined && artifact.filename.startsWith(trigger.prefix))
    .sort((a, b) => b.prefix!.length - a.prefix!.length);
  return matching[0] ?? null;
}

async function allTriggers(deps: Deps, tenantId: string): Promise<Trigger[]> {
  const triggers: Trigger[] = [];
  for await (const item of eachInPartition(deps, { pk: keys.trigger(tenantId, '').PK }))
    triggers.push(toTrigger(item));
  return triggers;
}

function toTrigger(item: Record<string, unknown>): Trigger {
  const trigger = stripKeys<Trigger>(item, ORDER);
  return { ...trigger, input: fromStored(trigger.input) };
}
