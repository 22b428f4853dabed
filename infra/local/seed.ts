// The local platform: the shared bootstrap (the platform-admin key), then the demo tenant — a tenant onboarded
// with the examples, as any tenant can be — with its settings pointing at the demo directory. Keys are kept
// across restarts through the data folder.
import { apiKeyExists, createApiKey } from '../../shared/auth/api-keys';
import type { Deps } from '../../shared/deps';
import { bootstrapPlatform } from '../../shared/platform/bootstrap';
import { installExamples } from '../../shared/recipes/templates';
import { getSettings, putSettings } from '../../shared/settings/settings';
import { onboardTenant } from '../../shared/tenants/onboarding';
import { getTenant } from '../../shared/tenants/tenant-repository';

export const DEMO_TENANT_ID = 'ten_demo';
const LOCAL_OPERATOR = { tenantId: 'platform', role: 'platform', keyId: 'system:local-seed' } as const;

export interface SeedResult {
  apiKey: string;
  platformAdminKey: string;
}

export async function seedDemo(
  deps: Deps,
  directoryUrl: string,
  previous?: Partial<SeedResult>,
): Promise<SeedResult> {
  const { platformAdminKey } = await bootstrapPlatform(deps, {
    platformAdminKey: previous?.platformAdminKey,
  });
  let apiKey: string | undefined;
  if (!(await getTenant(deps, DEMO_TENANT_ID))) {
    const onboarded = await onboardTenant(
      deps,
      { name: 'Demo Company', plan: 'pro', withExamples: true },
      LOCAL_OPERATOR,
      DEMO_TENANT_ID,
    );
    apiKey = onboarded.apiKey.key;
  } else {
    // Brings the demo's copies of the templates up to date after an upgrade.
    await installExamples(deps, DEMO_TENANT_ID);
    if (previous?.apiKey && (await apiKeyExists(deps, previous.apiKey))) apiKey = previous.apiKey;
  }
  apiKey ??= (await createApiKey(deps, { tenantId: DEMO_TENANT_ID, role: 'admin', name: 'demo admin' })).key;
  await pointSettingsAt(deps, directoryUrl);
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
