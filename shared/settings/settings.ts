// Tenant settings: default AI provider/model, the HTTP allow-list of origins that may be private or
// loopback, and free-form values that templates read as `settings.<name>`.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { fromStored, toStored } from '../data/json-values';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';
import type { Settings } from './settings-schema';

export type { Settings } from './settings-schema';

const EMPTY: Settings = { ai: {}, httpAllowList: [], values: {} };

export async function getSettings(deps: Deps, tenantId: string): Promise<Settings & { updatedAt?: string }> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.settings(tenantId) }),
  );
  return settingsFrom(Item);
}

/** A tenant's settings from their stored item; a tenant that never saved any has the defaults. */
export function settingsFrom(item: Record<string, unknown> | undefined): Settings & { updatedAt?: string } {
  if (!item) return EMPTY;
  const settings = stripKeys<Settings>(item);
  return { ...settings, values: fromStored(settings.values) };
}

export async function putSettings(deps: Deps, tenantId: string, settings: Settings): Promise<Settings> {
  const item = { ...settings, httpAllowList: settings.httpAllowList.map((o) => new URL(o).origin) };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.settings(tenantId),
        ...item,
        values: toStored(item.values),
        updatedAt: deps.now().toISOString(),
      },
    }),
  );
  return item;
}
