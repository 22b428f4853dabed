// Cost per million runs of each built-in recipe and a 3-step reference recipe, from what the runs actually
// did on the local runtime: state transitions (from the Step Functions emulator), Lambda invocations and
// GB-seconds (measured durations at the deployed 512 MB), DynamoDB read/write units (ConsumedCapacity of every
// request, summed by an SDK middleware), S3 requests (counted by a middleware), plus the API request that
// starts the run (its rate-window write; the authorizer's reads are cached by API Gateway). The benchmark's
// own polling for the end of a run is not counted. Prices: bench/prices.ts. Targets: a 3-step run ≤ $7 per 1M on Express, ≤ $100 on Standard.
import { performance } from 'node:perf_hooks';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { invocations } from '../infra/local/runtime';
import { DEMO_TENANT_ID } from '../infra/local/seed';
import { openAccountIfMissing } from '../shared/credits/credits';
import { consumeRequest } from '../shared/credits/rate-limit';
import { createDeps, type Deps, getDeps } from '../shared/deps';
import { startExecution, waitForExecution } from '../shared/executions/start-execution';
import { builtinRecipes } from '../shared/recipes/builtin-recipes';
import { createRecipe } from '../shared/recipes/recipes';
import { decideReview, listReviews } from '../shared/reviews/reviews';
import { prices } from './prices';
import { withRuntime, writeResult } from './support';

const RUNS = 5;
const LAMBDA_GB = 0.5;
const counters = { rru: 0, wru: 0, s3Put: 0, s3Get: 0 };
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'ScanCommand',
  'GetCommand',
  'BatchGetCommand',
]);

function instrument(deps: Deps) {
  deps.db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName !== 'DescribeTableCommand') input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [consumed ?? []]
        .flat()
        .reduce((sum: number, c) => sum + ((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
      if (READS.has(context.commandName ?? '')) counters.rru += units;
      else counters.wru += units;
      return result;
    },
    { step: 'initialize', name: 'countCapacity' },
  );
  deps.s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand') counters.s3Get += 1;
      else counters.s3Put += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
}

await withRuntime(async (runtime) => {
  const api = createDeps(); // the API Lambda's clients; getDeps() holds the components'
  instrument(api);
  // The benchmark's own watching (polling for the end, finding the review) is not part of the run's cost.
  const observer = createDeps();
  instrument(getDeps());
  await openAccountIfMissing(api, DEMO_TENANT_ID, 'pro');
  const reference = await createRecipe(api, DEMO_TENANT_ID, {
    name: 'reference 3 steps',
    mode: 'express',
    steps: [
      { id: 'a', type: 'transform', source: '{{input}}', ops: [] },
      { id: 'b', type: 'transform', source: '{{steps.a.output}}', ops: [] },
      { id: 'c', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }], bands: [] },
    ],
  });
  const inputs: Record<string, unknown> = {
    rcp_lead_discovery: { query: 'logistics' },
    rcp_lead_intelligence: { domain: 'acme-logistics.example' },
    rcp_outreach_personalization: {
      domain: 'ivy-health.example',
      contactName: 'Ada',
      contactEmail: 'ada@ivy-health.example',
    },
    [reference.id]: { x: 1 },
  };
  const names: Record<string, string> = {
    ...Object.fromEntries(builtinRecipes.map((r) => [r.id, r.definition.name])),
    [reference.id]: 'reference 3 steps',
  };
  const rows = [];
  for (const [recipeId, input] of Object.entries(inputs)) {
    Object.assign(counters, { rru: 0, wru: 0, s3Put: 0, s3Get: 0 });
    invocations.length = 0;
    let transitions = 0;
    let durationS = 0;
    let apiMs = 0;
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      // The start request's own write: its per-tenant rate window (the authorizer's reads are cached).
      await consumeRequest(api, DEMO_TENANT_ID, 'pro');
      const started = await startExecution(api, {
        tenantId: DEMO_TENANT_ID,
        recipeId,
        input,
        trigger: 'api',
        actor: { id: 'bench', role: 'operator' },
      });
      apiMs += performance.now() - t0;
      let done = await waitForExecution(observer, DEMO_TENANT_ID, started.id, 20_000);
      if (done.status === 'waiting_review') {
        const review = (await listReviews(observer, DEMO_TENANT_ID, 'pending', { limit: 100 })).items.find(
          (r) => r.executionId === done.id,
        );
        await decideReview(api, DEMO_TENANT_ID, review!.id, { decision: 'approve' }, 'bench');
        done = await waitForExecution(observer, DEMO_TENANT_ID, started.id, 20_000);
      }
      await runtime.idle();
      const described = await observer.sfn.send(
        new DescribeExecutionCommand({ executionArn: done.executionArn! }),
      );
      durationS += (described.stopDate!.getTime() - described.startDate!.getTime()) / 1000;
      transitions += runtime.transitions(done.executionArn!) ?? 0;
    }
    const perRun = (n: number) => n / RUNS;
    const lambdaInvocations = perRun(invocations.length) + 1; // + the API Lambda that starts the run
    const lambdaGbS = perRun(invocations.reduce((s, i) => s + i.ms, 0) / 1000 + apiMs / 1000) * LAMBDA_GB;
    const shared =
      lambdaInvocations * prices.lambda.perRequest +
      lambdaGbS * prices.lambda.perGbSecondArm +
      perRun(counters.rru) * prices.dynamodb.perReadRequestUnit +
      perRun(counters.wru) * prices.dynamodb.perWriteRequestUnit +
      perRun(counters.s3Put) * prices.s3.perPut +
      perRun(counters.s3Get) * prices.s3.perGet +
      prices.apiGateway.perHttpApiRequest;
    const standard = shared + perRun(transitions) * prices.stepFunctions.standardPerTransition;
    const express =
      shared +
      prices.stepFunctions.expressPerRequest +
      perRun(durationS) * 0.0625 * prices.stepFunctions.expressPerGbSecond;
    rows.push({
      recipe: names[recipeId],
      transitions: perRun(transitions),
      lambdaCalls: lambdaInvocations,
      lambdaGbS: +lambdaGbS.toFixed(4),
      rru: +perRun(counters.rru).toFixed(1),
      wru: +perRun(counters.wru).toFixed(1),
      s3: perRun(counters.s3Put + counters.s3Get),
      standardPer1M: +(standard * 1e6).toFixed(2),
      expressPer1M: +(express * 1e6).toFixed(2),
    });
  }
  console.log(`\nAWS cost per 1M runs (mean of ${RUNS} runs each; prices in bench/prices.ts):`);
  console.table(rows);
  writeResult('cost-model', { runs: RUNS, rows });
});
