// Recipes and their immutable versions: create and update (a new version), validated and compiled, and the
// compiled definition of a version; reads, lists and deletes are recipe-records.ts's (re-exported here).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getAgent } from '../agents/agents';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { newId } from '../ids';
import { getRecipe, getRecipeVersion, type Recipe } from './recipe-records';
import type { RecipeDefinition } from './recipe-schema';
import { validateRecipe } from './recipe-validation';
import { compileForDeployment, ensureStateMachine } from './state-machines';

export {
  deleteRecipe,
  getRecipe,
  getRecipeVersion,
  listRecipes,
  listRecipeVersions,
  type Recipe,
  type RecipeVersion,
} from './recipe-records';

export async function createRecipe(
  deps: Deps,
  tenantId: string,
  raw: unknown,
  id = newId('rcp'),
): Promise<Recipe> {
  const definition = await validateForTenant(deps, tenantId, raw);
  return writeVersion(deps, tenantId, id, definition, 1);
}

export async function updateRecipe(deps: Deps, tenantId: string, id: string, raw: unknown): Promise<Recipe> {
  const definition = await validateForTenant(deps, tenantId, raw);
  const current = await getRecipe(deps, tenantId, id);
  return writeVersion(deps, tenantId, id, definition, current.version + 1, current.createdAt);
}

/** The compiled ASL of a version: recompiled from the stored definition, byte-identical to what was deployed. */
export async function getRecipeDefinition(deps: Deps, tenantId: string, id: string, version?: number) {
  const recipe = await getRecipe(deps, tenantId, id);
  const pinned = await getRecipeVersion(deps, tenantId, id, version ?? recipe.version);
  const { asl, engine } = compileForDeployment(deps, pinned.definition);
  return {
    recipeId: id,
    version: pinned.version,
    engine,
    stateMachineArn: pinned.stateMachineArn,
    definition: asl,
  };
}

async function validateForTenant(deps: Deps, tenantId: string, raw: unknown): Promise<RecipeDefinition> {
  const definition = validateRecipe(raw);
  if (definition.agentId) {
    await getAgent(deps, tenantId, definition.agentId).catch((error: unknown) => {
      if (error instanceof NotFound) {
        throw new ValidationFailed([{ path: 'agentId', message: 'no such agent' }]);
      }
      throw error;
    });
  }
  return definition;
}

async function writeVersion(
  deps: Deps,
  tenantId: string,
  id: string,
  definition: RecipeDefinition,
  version: number,
  createdAt?: string,
): Promise<Recipe> {
  const { stateMachineArn, engine } = await ensureStateMachine(deps, definition);
  const now = deps.now().toISOString();
  const definitionJson = JSON.stringify(definition);
  const head = { id, version, engine, stateMachineArn, createdAt: createdAt ?? now, updatedAt: now };
  const versionItem = { recipeId: id, version, engine, stateMachineArn, createdAt: now };
  // The head moves only from the version we read, so two concurrent updates cannot both win.
  const headCondition =
    version === 1
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : {
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': version - 1 },
        };
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.config.TABLE_NAME,
              Item: { ...keys.recipe(tenantId, id), ...head, definitionJson },
              ...headCondition,
            },
          },
          {
            Put: {
              TableName: deps.config.TABLE_NAME,
              Item: { ...keys.recipeVersion(tenantId, id, version), ...versionItem, definitionJson },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') {
      throw new Conflict('the recipe changed while it was being saved; read it again and retry');
    }
    throw error;
  }
  return { id, version, ...definition, engine, stateMachineArn, createdAt: head.createdAt, updatedAt: now };
}
