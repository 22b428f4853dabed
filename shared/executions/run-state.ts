// A run's state rebuilt from its records, for runs stopped from outside the workflow. Reads the version item
// directly, without the recipe model's zod schemas, so the status-change handler stays small.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { priceList } from '../credits/pricing';
import { keys } from '../data/keys';
import type { Deps } from '../deps';
import { NotFound } from '../errors';
import type { ExecutionRecord, RunState } from './execution-model';
import { getExecutionWithSteps } from './execution-repository';

/**
 * The run's state as settling needs it (reservation, prices, the steps that ran), rebuilt from the execution
 * and step records, for runs stopped from outside the workflow (cancel, a timeout the workflow cannot catch).
 */
export async function stateFromRecords(
  deps: Deps,
  tenantId: string,
  execution: ExecutionRecord,
): Promise<RunState> {
  const [prices, withSteps] = await Promise.all([
    // The prices the run started with; a record from before they were kept is priced from its version.
    execution.prices ??
      versionSteps(deps, tenantId, execution.recipeId, execution.version).then((steps) => priceList(steps)),
    getExecutionWithSteps(deps, tenantId, execution.id),
  ]);
  const ran = new Set(withSteps.steps.map((s) => s.stepId));
  return {
    input: execution.input,
    steps: Object.fromEntries([...ran].map((stepId) => [stepId, {}])),
    failures: {},
    settings: {},
    execution: { id: execution.id, startedAt: execution.startedAt ?? execution.createdAt },
    run: {
      tenantId,
      recipeId: execution.recipeId,
      version: execution.version,
      httpAllowList: [],
      ai: {},
      credits: { reserved: execution.creditsReserved, ...prices },
    },
  };
}

async function versionSteps(deps: Deps, tenantId: string, recipeId: string, version: number) {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.recipeVersion(tenantId, recipeId, version),
    }),
  );
  if (!Item) throw new NotFound('recipe version');
  return (JSON.parse(String(Item.definitionJson)) as { steps: Parameters<typeof priceList>[0] }).steps;
}
