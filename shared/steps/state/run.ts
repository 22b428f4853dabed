// The `state` step against DynamoDB: one item per tenant and key. Every change is one UpdateItem, so two runs
// adding the same member at once are serialised by DynamoDB and exactly one of them sees it as added.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../../canonical-json';
import { StepRejected } from '../../components/step-errors';
import { fromStored, toStored } from '../../data/json-values';
import { keys } from '../../data/keys';
import type { Deps } from '../../deps';
import { resolveTemplates } from '../../recipes/template';
import type { StateStep } from './index';

type Kind = 'value' | 'counter' | 'set';

export async function runState(
  deps: Deps,
  tenantId: string,
  step: StateStep,
  scope: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const key = resolveTemplates(step.key, scope);
  if (typeof key !== 'string' || key.length === 0 || key.length > 512)
    throw new StepRejected('the state key must resolve to a string of 1 to 512 characters');
  const value = step.value === undefined ? undefined : resolveTemplates(step.value, scope);
  const item = keys.stateEntry(tenantId, key);
  const now = Math.floor(deps.now().getTime() / 1000);
  const expires = step.ttlSeconds ? { expiresAt: now + step.ttlSeconds } : undefined;

  if (step.op === 'get') {
    const { Item } = await deps.db.send(
      new GetCommand({ TableName: deps.config.TABLE_NAME, Key: item, ConsistentRead: true }),
    );
    // TTL deletion is lazy: an entry past its time is gone, whether DynamoDB removed it yet or not.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= now)) return { value: null };
    return { value: readValue(Item) };
  }
  if (step.op === 'put') {
    await change(deps, item, now, expires, 'value', { set: { value: toStored(value) } });
    return { value: value ?? null };
  }
  if (step.op === 'increment') {
    const amount = value ?? 1;
    if (typeof amount !== 'number' || !Number.isFinite(amount))
      throw new StepRejected("an increment step's value must resolve to a number");
    const old = await change(deps, item, now, expires, 'counter', { add: { count: amount } });
    return { value: (typeof old?.count === 'number' ? old.count : 0) + amount };
  }
  if (!Array.isArray(value)) throw new StepRejected("an addToSet step's value must resolve to an array");
  // Members are kept as their canonical JSON text, so equal values are one member whatever their key order.
  const texts = [...new Set(value.map((member) => canonicalJson(member)))];
  if (texts.length === 0) {
    const current = await runState(deps, tenantId, { ...step, op: 'get', value: undefined }, scope);
    return { added: [], size: Array.isArray(current.value) ? current.value.length : 0 };
  }
  const old = await change(deps, item, now, expires, 'set', { add: { members: new Set(texts) } });
  const before = old?.members instanceof Set ? (old.members as Set<string>) : new Set<string>();
  const added = texts.filter((text) => !before.has(text));
  return { added: added.map((text) => JSON.parse(text) as unknown), size: before.size + added.length };
}

/**
 * One UpdateItem on the entry (SET or ADD), refused when the entry holds another kind of data; an entry past
 * its TTL is replaced by a fresh one. Returns the entry as it was before, when it was live.
 */
async function change(
  deps: Deps,
  key: Record<string, string>,
  now: number,
  expires: { expiresAt: number } | undefined,
  kind: Kind,
  update: { set?: Record<string, unknown>; add?: Record<string, unknown> },
): Promise<Record<string, unknown> | undefined> {
  const [name, operand] = Object.entries(update.set ?? update.add ?? {})[0]!;
  const sets = [
    ...(update.set ? [`#${name} = :operand`] : []),
    '#kind = :kind',
    ...(expires ? ['expiresAt = :expiresAt'] : []),
  ];
  try {
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}${update.add ? ` ADD #${name} :operand` : ''}`,
        ConditionExpression:
          'attribute_not_exists(PK) OR (#kind = :kind AND (attribute_not_exists(expiresAt) OR expiresAt > :now))',
        ExpressionAttributeNames: { '#kind': 'kind', [`#${name}`]: name },
        ExpressionAttributeValues: {
          ':operand': operand,
          ':kind': kind,
          ':now': now,
          ...(expires ? { ':expiresAt': expires.expiresAt } : {}),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  // The entry expired (start it over), or it holds another kind of data (refuse, naming it).
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...key, kind, [name]: operand, ...(expires ?? {}) },
        ConditionExpression: 'attribute_exists(expiresAt) AND expiresAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return undefined;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    throw new StepRejected(
      `this state key already holds another kind of data than a ${kind}; use another key`,
    );
  }
}

function readValue(item: Record<string, unknown>): unknown {
  if (item.kind === 'counter') return item.count ?? 0;
  if (item.kind === 'set')
    return [...((item.members as Set<string> | undefined) ?? [])]
      .sort()
      .map((text) => JSON.parse(text) as unknown);
  return fromStored(item.value ?? null);
}
