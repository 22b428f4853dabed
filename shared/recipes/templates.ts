// Templates: the built-in recipes (agent "The Hunter"'s three) that any tenant can install as its own recipe,
// through the API (`POST /v1/recipes` with `{ "templateId" }`) or at onboarding (`"withExamples": true`).
// Installing goes through the same path as any recipe, so its state machine is created (or, being identical
// for every tenant, found) by CreateStateMachine, the same in the cloud and locally.
import * as z from 'zod/mini';
import { createAgent, getAgent } from '../agents/agents';
import type { Deps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';
import { builtinRecipes, HUNTER_AGENT } from './builtin-recipes';
import { createRecipe, getRecipe, type Recipe, updateRecipe } from './recipes';

export const installTemplateSchema = z.strictObject({
  templateId: z.string().check(z.minLength(1), z.maxLength(100)),
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});

export function listTemplates() {
  return {
    items: builtinRecipes().map(({ id, definition }) => ({
      id,
      name: definition.name,
      description: definition.description,
      agent: { id: HUNTER_AGENT.id, name: HUNTER_AGENT.name },
      definition,
    })),
    nextCursor: null,
  };
}

/** A new recipe of the tenant from a template (under a new id, so a template may be installed twice). */
export async function installTemplate(
  deps: Deps,
  tenantId: string,
  input: z.infer<typeof installTemplateSchema>,
): Promise<Recipe> {
  const template = builtinRecipes().find((t) => t.id === input.templateId);
  if (!template) throw new ValidationFailed([{ path: 'templateId', message: 'no such template' }]);
  await ensureHunterAgent(deps, tenantId);
  return createRecipe(deps, tenantId, {
    ...template.definition,
    ...(input.name ? { name: input.name } : {}),
  });
}

/**
 * The examples of an onboarded tenant: the agent and every template under the template's own id. Running it
 * again brings the tenant's copies up to the current templates (a new version where one differs).
 */
export async function installExamples(deps: Deps, tenantId: string): Promise<void> {
  await ensureHunterAgent(deps, tenantId);
  for (const { id, definition } of builtinRecipes()) {
    const existing = await getRecipe(deps, tenantId, id).catch((error: unknown) => {
      if (error instanceof NotFound) return undefined;
      throw error;
    });
    if (!existing) await createRecipe(deps, tenantId, definition, id);
    else if (JSON.stringify(definitionOf(existing)) !== JSON.stringify(definition)) {
      await updateRecipe(deps, tenantId, id, definition);
    }
  }
}

async function ensureHunterAgent(deps: Deps, tenantId: string) {
  await getAgent(deps, tenantId, HUNTER_AGENT.id).catch(async (error: unknown) => {
    if (!(error instanceof NotFound)) throw error;
    await createAgent(
      deps,
      tenantId,
      { name: HUNTER_AGENT.name, description: HUNTER_AGENT.description },
      HUNTER_AGENT.id,
    );
  });
}

function definitionOf(recipe: Recipe) {
  const {
    id: _i,
    version: _v,
    engine: _e,
    stateMachineArn: _s,
    createdAt: _c,
    updatedAt: _u,
    ...definition
  } = recipe;
  return definition;
}
