// Tenant settings: default AI provider/model, the HTTP allow-list of origins that may be private or
// loopback, and free-form values that templates read as `settings.<name>`.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { fromStored, toStored } from '../data/json-values';
import { keys, stripKeys } from '../data/keys';
import type { Deps } from '../deps';

const origin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && value.replace(/\/$/, '') === url.origin;
}, 'must be an origin such as http://127.0.0.1:8080 (scheme, host and port only)');

export const settingsSchema = z
  .object({
    ai: z
      .object({ provider: z.enum(['openai', 'offline']).optional(), model: z.string().min(1).optional() })
      .strict()
      .default({}),
    httpAllowList: z.array(origin).max(50).default([]),
    values: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

const EMPTY: Settings = { ai: {}, httpAllowList: [], values: {} };

export async function getSettings(deps: Deps, tenantId: string): Promise<Settings & { updatedAt?: string }> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.settings(tenantId) }),
  );
  if (!Item) return EMPTY;
  const settings = stripKeys<Settings>(Item);
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
