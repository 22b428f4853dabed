// Platform overhead per step: a recipe of N no-op transform steps run by the local runtime (Step Functions
// emulator, lambda:invoke emulation, step records, Finalize) versus calling the same component handler
// directly N times. Duration from the emulator's own start and stop times; median of 15 runs per N.
import { performance } from 'node:perf_hooks';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { DEMO_TENANT_ID } from '../infra/local/seed';
import { sfnOf } from '../shared/clients/sfn';
import { openAccountIfMissing } from '../shared/credits/credits';
import { createDeps } from '../shared/deps';
import { startExecution, waitForExecution } from '../shared/executions/start-execution';
import { createRecipe } from '../shared/recipes/recipes';
import { atMost, percentile, printTargets, withRuntime, writeResult } from './support';

const RUNS = 15;

await withRuntime(async (runtime) => {
  // Loaded once the runtime has set the local environment the handler checks at cold start.
  const { handler: transform } = await import('../shared/steps/transform/handler');
  const deps = createDeps();
  await openAccountIfMissing(deps, DEMO_TENANT_ID, 'pro');
  const rows = [];
  for (const n of [1, 5, 20]) {
    const steps = Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      type: 'transform',
      source: '{{input}}',
      ops: [],
    }));
    const recipe = await createRecipe(deps, DEMO_TENANT_ID, { name: `noop ${n}`, mode: 'express', steps });
    const runtimeMs: number[] = [];
    const directMs: number[] = [];
    for (let run = 0; run < RUNS + 2; run++) {
      const started = await startExecution(deps, {
        tenantId: DEMO_TENANT_ID,
        recipeId: recipe.id,
        input: { run },
        trigger: 'api',
        actor: { id: 'bench', role: 'operator' },
      });
      const done = await waitForExecution(deps, DEMO_TENANT_ID, started.id, 30_000);
      await runtime.idle();
      const described = await (await sfnOf(deps)).client.send(
        new DescribeExecutionCommand({ executionArn: done.executionArn! }),
      );
      const ms = described.stopDate!.getTime() - described.startDate!.getTime();
      // The same work without the platform: the component handler called in a loop.
      const state = {
        input: { run },
        steps: {},
        failures: {},
        settings: {},
        execution: { id: `direct_${n}_${run}`, startedAt: new Date().toISOString() },
        run: {
          tenantId: DEMO_TENANT_ID,
          recipeId: recipe.id,
          version: 1,
          httpAllowList: [],
          ai: {},
          credits: { reserved: 0, run: 0, steps: {} },
        },
      };
      const t0 = performance.now();
      for (const step of recipe.steps) await transform({ step, state, attempt: 0 } as never, {} as never);
      const direct = performance.now() - t0;
      if (run >= 2) {
        runtimeMs.push(ms);
        directMs.push(direct);
      }
    }
    const runtimeMedian = percentile(runtimeMs, 50);
    const directMedian = percentile(directMs, 50);
    rows.push({
      steps: n,
      runtimeMs: +runtimeMedian.toFixed(1),
      directMs: +directMedian.toFixed(1),
      overheadPerStepMs: +((runtimeMedian - directMedian) / n).toFixed(2),
    });
  }
  // The fixed part (Finalize: settlement transaction, step query, audit intent) is paid once per run; the
  // slope between N=1 and N=20 is what each extra step adds on top of the component's own work.
  const [first, , last] = rows as [(typeof rows)[0], unknown, (typeof rows)[0]];
  const marginal =
    (last.runtimeMs - first.runtimeMs - (last.directMs - first.directMs)) / (last.steps - first.steps);
  const fixed = first.runtimeMs - first.directMs - marginal;
  console.log('\nPlatform overhead per step (target ≤ 5 ms, linear in N):');
  console.table(rows);
  console.log(
    `marginal overhead per extra step: ${marginal.toFixed(2)} ms; fixed per run: ${fixed.toFixed(1)} ms`,
  );
  printTargets([atMost('overhead per extra step, ms', +marginal.toFixed(2), 5)]);
  writeResult('overhead', {
    runs: RUNS,
    rows,
    marginalPerStepMs: +marginal.toFixed(2),
    fixedPerRunMs: +fixed.toFixed(1),
  });
});
