// Time of POST /v1/recipes/{id}/executions through the local gateway: authorizer, rate window, the recipe,
// settings and account reads, the reservation transaction (account + execution, which is its ledger line and,
// on the stream, its audit event) and StartExecution. Sequential, so it is latency.
import { performance } from 'node:perf_hooks';
import { percentile, printTargets, withRuntime, writeResult } from './support';

const RUNS = 200;

await withRuntime(async (runtime) => {
  const headers = { authorization: `Bearer ${runtime.keys.apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${runtime.baseUrl}/v1/recipes`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'bench start',
      steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
    }),
  });
  const recipe = (await created.json()) as { id: string };
  const timings: number[] = [];
  for (let i = 0; i < RUNS + 20; i++) {
    const started = performance.now();
    const response = await fetch(`${runtime.baseUrl}/v1/recipes/${recipe.id}/executions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ input: { i } }),
    });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`start answered ${response.status}`);
    if (i >= 20) timings.push(performance.now() - started); // the first 20 warm the modules up
    await new Promise((r) => setTimeout(r, 25)); // stay under the demo plan's request rate
  }
  await runtime.idle();
  const row = {
    runs: RUNS,
    medianMs: +percentile(timings, 50).toFixed(1),
    p95Ms: +percentile(timings, 95).toFixed(1),
    p99Ms: +percentile(timings, 99).toFixed(1),
  };
  console.log('\nExecution start through the local API (async, 202):');
  console.table([row]);
  // No target of its own: the start rate's target is api-latency's; this is one caller's latency.
  printTargets([
    { figure: 'async start, median ms', value: row.medianMs, target: 'for comparison', met: null },
  ]);
  writeResult('start-latency', row);
});
