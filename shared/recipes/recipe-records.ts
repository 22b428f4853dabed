// A recipe and its versions as stored, read back: what starting and resuming runs need, apart from recipes.ts
// (validation and compilation, with the step registry's schemas) so that those functions bundle no zod.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys, stripKeys } from '../data/keys';
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
