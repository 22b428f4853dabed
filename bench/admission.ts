// Fair admission under a flood: tenant A (Starter: 10 runs at once) starts 5,000 runs as fast as 16 callers
// can, while tenant B (Starter too) starts 20, one every 250 ms. B's start delay — from its start call until
// its run is running — is measured without and with A's flood; A's throughput (runs ended per second while
// its queue drains) and the most runs A ever had running (sampled every 20 ms) are reported.
// Starts are called in-process (startExecution, as the API handler calls it), so the plan's request rate
// does not pace the flood; every other part — DynamoDB Local, the table stream's consumer that admits, the
// Step Functions emulator running the runs — is the local runtime's own.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getAccount, grantCredits, openAccountIfMissing } from '../shared/credits/credits';
import { plans } from '../shared/credits/plans';
import { createDeps, type Deps } from '../shared/deps';
import { getExecutionRecord } from '../shared/executions/execution-repository';
import { startExecution } from '../shared/executions/start-execution';
import { createRecipe } from '../shared/recipes/recipes';
import { putTenantIfMissing } from '../shared/tenants/tenant-repository';
import { atMost, percentile, printTargets, referenceRecipe, withRuntime, writeResult } from './support';

const FLOOD = Number(process.env.ADMISSION_FLOOD ?? 5_000);
const CALLERS = 16;
const B_RUNS = 20;
const PLAN = 'starter' as const;
const actor = { id: 'bench', role: 'operator' };
async function tenant(deps: Deps, id: string, credits: number) {
  await putTenantIfMissing(deps, {
    id,
    name: id,
    plan: PLAN,
    status: 'active',
    createdAt: new Date().toISOString(),
  });
  await openAccountIfMissing(deps, id, PLAN);
  await grantCredits(deps, id, credits, 'benchmark', {
    actor: 'bench',
    role: 'platform',
    action: 'credits.grant',
    resource: { type: 'tenant', id },
    result: 'success',
  });
  return (await createRecipe(deps, id, referenceRecipe)).id;
}

/** B's starts, one every 250 ms: ms from each start call until its run is running. */
async function startsOfB(deps: Deps, recipeId: string): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < B_RUNS; i++) {
    const t0 = performance.now();
    const started = await startExecution(deps, {
      tenantId: 'ten_bench_b',
      recipeId,
      input: { x: i },
      trigger: 'api',
      actor,
    });
    let status = started.status;
    while (status === 'queued') {
      await sleep(5);
      status = (await getExecutionRecord(deps, 'ten_bench_b', started.id)).status;
    }
    delays.push(performance.now() - t0);
    await sleep(250);
  }
  return delays;
}

const round = (n: number) => +n.toFixed(1);

await withRuntime(async () => {
  const deps = createDeps();
  const recipeA = await tenant(deps, 'ten_bench_a', FLOOD * 5);
  const recipeB = await tenant(deps, 'ten_bench_b', B_RUNS * 10);
  const limit = plans[PLAN].concurrentExecutions;

  const quiet = await startsOfB(deps, recipeB);

  // The flood, sampled for A's running count while it lasts.
  let mostRunning = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      mostRunning = Math.max(mostRunning, (await getAccount(deps, 'ten_bench_a')).running);
      await sleep(20);
    }
  })();
  const floodStart = performance.now();
  let next = 0;
  const callers = Array.from({ length: CALLERS }, async () => {
    while (next < FLOOD) {
      next += 1;
      await startExecution(deps, {
        tenantId: 'ten_bench_a',
        recipeId: recipeA,
        input: { x: next },
        trigger: 'api',
        actor,
      });
    }
  });
  const flooding = Promise.all(callers).then(() => performance.now() - floodStart);
  await sleep(2_000); // A's queue is long before B starts
  const loud = await startsOfB(deps, recipeB);
  const acceptMs = await flooding;
  const queuedAtEnd = (await getAccount(deps, 'ten_bench_a')).queued ?? 0;
  for (;;) {
    const account = await getAccount(deps, 'ten_bench_a');
    if (account.running === 0 && !account.queued) break;
    await sleep(200);
  }
  const drainMs = performance.now() - floodStart;
  sampling = false;
  await sampler;

  const rows = [
    { tenant: 'B alone', p50Ms: round(percentile(quiet, 50)), p99Ms: round(percentile(quiet, 99)) },
    { tenant: `B during A's flood`, p50Ms: round(percentile(loud, 50)), p99Ms: round(percentile(loud, 99)) },
  ];
  const flood = {
    starts: FLOOD,
    acceptedPerSecond: round(FLOOD / (acceptMs / 1000)),
    queuedWhenAllAccepted: queuedAtEnd,
    runsPerSecond: round(FLOOD / (drainMs / 1000)),
    drainSeconds: round(drainMs / 1000),
    mostRunning,
    limit,
  };
  console.log(`\nB's start delay (ms from the start call until its run is running), ${B_RUNS} starts:`);
  console.table(rows);
  console.log(`\nA's flood (${PLAN}: ${limit} at once):`);
  console.table([flood]);
  const targets = [
    atMost(
      "B's start delay p99 during the flood, ms (within 2× alone)",
      rows[1]!.p99Ms,
      round(Math.max(2 * rows[0]!.p99Ms, 50)),
    ),
    atMost('A: most runs at once', mostRunning, limit),
  ];
  printTargets(targets);
  writeResult('admission', { rows, flood, targets });
});
