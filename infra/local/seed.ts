// Seeds the demo tenant: agent "The Hunter", its three recipes, settings pointing at the demo directory,
// and the demo and platform-admin API keys (kept across restarts through demo.json).
import { createAgent, getAgent } from '../../shared/agents/agents';
import { apiKeyExists, createApiKey } from '../../shared/auth/api-keys';
import { openAccountIfMissing } from '../../shared/credits/credits';
import type { Deps } from '../../shared/deps';
import { NotFound } from '../../shared/errors';
import { builtinRecipes, HUNTER_AGENT } from '../../shared/recipes/builtin-recipes';
import { createRecipe, getRecipe, type Recipe, updateRecipe } from '../../shared/recipes/recipes';
import { getSettings, putSettings } from '../../shared/settings/settings';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';

export const DEMO_TENANT_ID = 'ten_demo';
export const PLATFORM_TENANT_ID = 'platform';

export interface SeedResult {
  apiKey: string;
  platformAdminKey: string;
}

export async function seedDemo(
  deps: Deps,
  directoryUrl: string,
  previous?: Partial<SeedResult>,
): Promise<SeedResult> {
  await putTenantIfMissing(deps, {
    id: DEMO_TENANT_ID,
    name: 'Demo Company',
    plan: 'pro',
    status: 'active',
    createdAt: deps.now().toISOString(),
  });
  await openAccountIfMissing(deps, DEMO_TENANT_ID, 'pro');
  await getAgent(deps, DEMO_TENANT_ID, HUNTER_AGENT.id).catch(async (error: unknown) => {
    if (!(error instanceof NotFound)) throw error;
    await createAgent(
      deps,
      DEMO_TENANT_ID,
      { name: HUNTER_AGENT.name, description: HUNTER_AGENT.description },
      HUNTER_AGENT.id,
    );
  });
  await pointSettingsAt(deps, directoryUrl);
  for (const { id, definition } of builtinRecipes) {
    const existing = await getRecipe(deps, DEMO_TENANT_ID, id).catch((error: unknown) => {
      if (error instanceof NotFound) return undefined;
      throw error;
    });
    if (!existing) await createRecipe(deps, DEMO_TENANT_ID, definition, id);
    else if (JSON.stringify(stripMeta(existing)) !== JSON.stringify(definition)) {
      await updateRecipe(deps, DEMO_TENANT_ID, id, definition);
    }
  }
  const apiKey = await reuseOrCreate(deps, previous?.apiKey, DEMO_TENANT_ID, 'admin', 'demo admin');
  const platformAdminKey = await reuseOrCreate(
    deps,
    previous?.platformAdminKey,
    PLATFORM_TENANT_ID,
    'platform',
    'platform admin',
  );
  return { apiKey, platformAdminKey };
}

async function pointSettingsAt(deps: Deps, directoryUrl: string) {
  const settings = await getSettings(deps, DEMO_TENANT_ID);
  const previousOrigin =
    typeof settings.values.directoryUrl === 'string' ? new URL(settings.values.directoryUrl).origin : null;
  const allowList = settings.httpAllowList.filter((origin) => origin !== previousOrigin);
  await putSettings(deps, DEMO_TENANT_ID, {
    ai: settings.ai,
    httpAllowList: [...allowList, new URL(directoryUrl).origin],
    values: { ...settings.values, directoryUrl },
  });
}

function stripMeta(recipe: Recipe) {
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

async function reuseOrCreate(
  deps: Deps,
  key: string | undefined,
  tenantId: string,
  role: 'admin' | 'platform',
  name: string,
): Promise<string> {
  if (key && (await apiKeyExists(deps, key))) return key;
  return (await createApiKey(deps, { tenantId, role, name })).key;
}
