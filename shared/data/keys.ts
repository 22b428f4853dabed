// DynamoDB key builders, one per entity; see table.ts for the access patterns they serve.
import { tableIndexes, tableKeys } from './table';

const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;
/** The tenant a partition key belongs to (every tenant's key starts `TENANT#<tenantId>`). */
export const tenantOfKey = (pk: string) => pk.split('#')[1]!;
const stepsPk = (tenantId: string, executionId: string) => `${tenantPk(tenantId)}#EXEC#${executionId}`;
/** The sort key prefix of a fused group's step records (`keys.stepGroup`). */
export const STEP_GROUP_PREFIX = 'STEP#~';

/** The sort key of a tenant's account item (balance, running and queued counts): what the admitter watches. */
export const ACCOUNT_SORT_KEY = 'ACCOUNT';

export const keys = {
  tenant: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'TENANT' }),
  /** The platform operator's index of every tenant (GSI1). */
  allTenants: 'PLATFORM#TENANTS',
  settings: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'SETTINGS' }),
  apiKey: (hash: string) => ({ PK: `APIKEY#${hash}`, SK: 'APIKEY' }),
  agent: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `AGENT#${id}` }),
  agentPrefix: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'AGENT#' }),
  recipe: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `RECIPE#${id}` }),
  recipePrefix: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'RECIPE#' }),
  recipeVersion: (tenantId: string, recipeId: string, version: number) => ({
    PK: `${tenantPk(tenantId)}#RECIPE#${recipeId}`,
    SK: `V#${String(version).padStart(6, '0')}`,
  }),
  recipeVersionPrefix: (tenantId: string, recipeId: string) => ({
    PK: `${tenantPk(tenantId)}#RECIPE#${recipeId}`,
    SK: 'V#',
  }),
  execution: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#EXEC`, SK: id }),
  executionsByRecipe: (tenantId: string, recipeId: string) => `${tenantPk(tenantId)}#RECIPE#${recipeId}`,
  executionsByStatus: (tenantId: string, status: string) => `${tenantPk(tenantId)}#STATUS#${status}`,
  /** A queued run's place in its tenant's admission queue: oldest first (execution ids sort by time). */
  admission: (tenantId: string, executionId: string) => ({
    PK: `${tenantPk(tenantId)}#QUEUE`,
    SK: executionId,
  }),
  admissionQueue: (tenantId: string) => `${tenantPk(tenantId)}#QUEUE`,
  schedule: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `SCHEDULE#${id}` }),
  schedulesOfRecipe: (tenantId: string, recipeId: string) =>
    `${tenantPk(tenantId)}#RECIPE#${recipeId}#SCHEDULES`,
  trigger: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#TRIGGERS`, SK: id }),
  artifact: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#ARTIFACTS`, SK: id }),
  message: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#MESSAGES`, SK: id }),
  review: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `REVIEW#${id}` }),
  reviewsByStatus: (tenantId: string, status: string) => `${tenantPk(tenantId)}#REVIEWS#${status}`,
  credential: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `CREDENTIAL#${name}` }),
  connection: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `CONNECTION#${name}` }),
  credentialPrefix: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'CREDENTIAL#' }),
  account: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: ACCOUNT_SORT_KEY }),
  ledgerEntry: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#LEDGER`, SK: id }),
  /**
   * The index keys that make an execution item its run's reserve line in the tenant's ledger (GSI4): the
   * line's id is the execution's with the ledger's prefix, so it sorts by time among the other entries.
   */
  reservationLine: (tenantId: string, executionId: string) => ({
    GSI4PK: `${tenantPk(tenantId)}#LEDGER`,
    GSI4SK: `led_${executionId.slice(executionId.indexOf('_') + 1)}`,
  }),
  rateWindow: (tenantId: string, windowStart: number) => ({
    PK: tenantPk(tenantId),
    SK: `RATE#${windowStart}`,
  }),
  apiKeysOfTenant: (tenantId: string) => `${tenantPk(tenantId)}#APIKEYS`,
  idempotency: (tenantId: string, scope: string) => ({ PK: `${tenantPk(tenantId)}#IDEMPOTENCY`, SK: scope }),
  /** An entry `state` steps share between the runs of a tenant. */
  stateEntry: (tenantId: string, key: string) => ({ PK: `${tenantPk(tenantId)}#STATE`, SK: key }),
  auditIntent: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#AUDITQ`, SK: id }),
  auditEvent: (tenantId: string, seq: number) => ({
    PK: `${tenantPk(tenantId)}#AUDIT`,
    SK: String(seq).padStart(12, '0'),
  }),
  /**
   * A run's step record: `STEP#<id>` for a step, `ITEM#<id>#<index, 6 digits>` for one map item's run of it,
   * so the steps are read apart from a map's thousands of items, and items page in index order.
   */
  step: (tenantId: string, executionId: string, stepId: string) => {
    const item = /^(.+)\[(\d+)\]$/.exec(stepId);
    return {
      PK: stepsPk(tenantId, executionId),
      SK: item ? `ITEM#${item[1]}#${item[2]!.padStart(6, '0')}` : `STEP#${stepId}`,
    };
  },
  /**
   * The records of a fused group's fusable steps, in one item named by the group's first such step: `STEP#~<id>`
   * (`~` is in no step id), so it reads with the run's steps and a group's records cost one write, not one each.
   */
  stepGroup: (tenantId: string, executionId: string, firstStepId: string) => ({
    PK: stepsPk(tenantId, executionId),
    SK: `${STEP_GROUP_PREFIX}${firstStepId}`,
  }),
  stepsOf: (tenantId: string, executionId: string) => stepsPk(tenantId, executionId),
  /**
   * A batch of a map over an artifact whose counts its map's record holds (named by its first item's index):
   * beside the run's steps, not among them, so reading the steps never reads thousands of these.
   */
  mapBatch: (tenantId: string, executionId: string, stepId: string, first: number) => ({
    PK: `${stepsPk(tenantId, executionId)}#BATCHES`,
    SK: `${stepId}#${String(first).padStart(7, '0')}`,
  }),
};

/** The key attributes of the table and of every index, from its definition: no index's keys leave the data layer. */
const KEY_ATTRIBUTES = new Set<string>([
  tableKeys.partitionKey,
  tableKeys.sortKey,
  ...tableIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
]);

/**
 * Removes key attributes before an item leaves the data layer. DynamoDB does not keep attribute order, so
 * `order` puts the named attributes first and the rest after, keeping responses readable and stable.
 */
export function stripKeys<T>(item: Record<string, unknown>, order: readonly string[] = []): T {
  const copy: Record<string, unknown> = {};
  for (const name of order) if (name in item) copy[name] = item[name];
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.has(name) && !(name in copy)) copy[name] = value;
  }
  return copy as T;
}
