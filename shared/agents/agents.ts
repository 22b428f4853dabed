// Agents: named groups of recipes (e.g. "The Hunter").
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { deleteExisting } from '../data/delete-existing';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import { newId } from '../ids';

export const agentInputSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(2000))),
});
export type AgentInput = z.infer<typeof agentInputSchema>;

const AGENT_ORDER = ['id', 'name', 'description', 'createdAt', 'updatedAt'];

export interface Agent extends AgentInput {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export async function createAgent(
  deps: Deps,
  tenantId: string,
  input: AgentInput,
  id = newId('agt'),
): Promise<Agent> {
  const now = deps.now().toISOString();
  const agent: Agent = { id, ...input, createdAt: now, updatedAt: now };
  await deps.db.send(
    new PutCommand({ TableName: deps.config.TABLE_NAME, Item: { ...keys.agent(tenantId, id), ...agent } }),
  );
  return agent;
}

export async function getAgent(deps: Deps, tenantId: string, id: string): Promise<Agent> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.agent(tenantId, id) }),
  );
  if (!Item) throw new NotFound('agent');
  return stripKeys<Agent>(Item, AGENT_ORDER);
}

export async function updateAgent(
  deps: Deps,
  tenantId: string,
  id: string,
  input: AgentInput,
): Promise<Agent> {
  const current = await getAgent(deps, tenantId, id);
  const agent: Agent = { id, ...input, createdAt: current.createdAt, updatedAt: deps.now().toISOString() };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.agent(tenantId, id), ...agent },
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
  return agent;
}

export async function deleteAgent(deps: Deps, tenantId: string, id: string): Promise<void> {
  await deleteExisting(deps, keys.agent(tenantId, id), 'agent');
}

export function listAgents(deps: Deps, tenantId: string, page: PageRequest) {
  const { PK, SK } = keys.agentPrefix(tenantId);
  return queryPartition(deps, { pk: PK, skPrefix: SK }, page, (item) => stripKeys<Agent>(item, AGENT_ORDER));
}
