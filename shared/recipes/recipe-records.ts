// A recipe and its versions as stored, read back, listed and deleted: what starting and resuming runs and the
// recipes function's reads need, apart from recipes.ts (validation and compilation, with the step registry's
// schemas) so that those functions and reads load no zod.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { deleteExisting } from '../data/delete-existing';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import type { RecipeDefinition } from './recipe-schema';

export interface RecipeVersion {
  recipeId: string;
  version: number;
  definition: RecipeDefinition;
  engine: 'STANDARD' | 'EXPRESS';
  stateMachineArn: string;
  createdAt: string;
}

export interface Recipe extends RecipeDefinition {
  id: string;
  version: number;
  engine: RecipeVersion['engine'];
  stateMachineArn: string;
  createdAt: string;
  updatedAt: string;
}

export async function getRecipe(deps: Deps, tenantId: string, id: string): Promise<Recipe> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.recipe(tenantId, id) }),
  );
  if (!Item) throw new NotFound('recipe');
  return toRecipe(Item);
}

export async function getRecipeVersion(deps: Deps, tenantId: string, id: string, version: number) {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.recipeVersion(tenantId, id, version) }),
  );
  if (!Item) throw new NotFound('recipe version');
  return toVersion(Item);
}

// Definitions are stored as JSON text: DynamoDB maps do not keep key order, and the compiled ASL must stay
// byte-identical to what was deployed.
export function toRecipe(item: Record<string, unknown>): Recipe {
  const { definitionJson, ...head } = stripKeys<
    Omit<Recipe, keyof RecipeDefinition> & { definitionJson: string }
  >(item);
  const { id, version, ...rest } = head;
  return { id, version, ...(JSON.parse(definitionJson) as RecipeDefinition), ...rest };
}

export function toVersion(item: Record<string, unknown>): RecipeVersion {
  const { definitionJson, ...rest } = stripKeys<
    Omit<RecipeVersion, 'definition'> & { definitionJson: string }
  >(item);
  return { ...rest, definition: JSON.parse(definitionJson) as RecipeDefinition };
}

export function listRecipes(deps: Deps, tenantId: string, page: PageRequest) {
  const { PK, SK } = keys.recipePrefix(tenantId);
  return queryPartition(deps, { pk: PK, skPrefix: SK }, page, toRecipe);
}

export async function listRecipeVersions(deps: Deps, tenantId: string, id: string, page: PageRequest) {
  await getRecipe(deps, tenantId, id);
  const { PK, SK } = keys.recipeVersionPrefix(tenantId, id);
  return queryPartition(deps, { pk: PK, skPrefix: SK, newestFirst: true }, page, toVersion);
}

/** Deletes the recipe head; versions stay so past executions keep the definition they ran. */
export async function deleteRecipe(deps: Deps, tenantId: string, id: string): Promise<void> {
  await deleteExisting(deps, keys.recipe(tenantId, id), 'recipe');
}
