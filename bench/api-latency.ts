// API latency and throughput on the local runtime with autocannon on 127.0.0.1: a fixed rate of requests for
// GET /v1/executions/{id}, GET /v1/executions and POST …/executions. Targets: reads p99 ≤ 50 ms at 200 req/s,
// starts ≥ 100/s. The gateway caches the authorizer's answer per key as API Gateway does (30 s).
import autocannon from 'autocannon';
import { createApiKey } from '../shared/auth/api-keys';
import { openAccountIfMissing } from '../shared/credits/credits';
import { createDeps } from '../shared/deps';
import { startExecution, waitForExecution } from '../shared/executions/start-execution';
import { createRecipe } from '../shared/recipes/recipes';
import { putTenantIfMissing } from '../shared/tenants/tenant-repository';
import { atLeast, atMost, printTargets, withRuntime, writeResult } from './support';

const RATE = 200;
const SECONDS = 10;

await withRuntime(async (runtime) => {
  const deps = createDeps();
  const tenantId = 'ten_api_bench';
  await putTenantIfMissing(deps, {
    id: tenantId,
    name: 'api bench',
    plan: 'enterprise',
    status: 'active',
    createdAt: new Date().toISOString(),
  });
  await openAccountIfMissing(deps, tenantId, 'enterprise');
  const { key } = await createApiKey(deps, { tenantId, role: 'operator', name: 'bench' });
  const recipe = await createRecipe(deps, tenantId, {
    name: 'bench',
    steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
  });
  const actor = { id: 'bench', role: 'operator' };
  let last = '';
  for (let i = 0; i < 30; i++) {
    const started = await startExecution(deps, {
      tenantId,
      recipeId: recipe.id,
      input: { i },
      trigger: 'api',
      actor,
    });
    last = started.id;
  }
  await waitForExecution(deps, tenantId, last, 10_000);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const cases = [
    { name: 'GET /v1/executions/{id}', method: 'GET', path: `/v1/executions/${last}` },
    { name: 'GET /v1/executions', method: 'GET', path: '/v1/executions?limit=25' },
    // Starts stay under the enterprise plan's 500 concurrent runs: each finishes in a few milliseconds.
    {
      name: 'POST /v1/recipes/{id}/executions',
      method: 'POST',
      path: `/v1/recipes/${recipe.id}/executions`,
      body: '{"input":{}}',
    },
  ] as const;
  const rows = [];
  for (const c of cases) {
    const result = await autocannon({
      url: `${runtime.baseUrl}${c.path}`,
      method: c.method,
      headers,
      ...('body' in c ? { body: c.body } : {}),
      connections: 20,
      overallRate: RATE,
      duration: SECONDS,
    });
    rows.push({
      route: c.name,
      rate: RATE,
      requests: result.requests.total,
      reqPerSec: +result.requests.average.toFixed(0),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    });
    await runtime.idle();
  }
  console.log(`\nAPI latency at ${RATE} req/s for ${SECONDS} s each:`);
  console.table(rows);
  const [one, list, starts] = rows;
  printTargets([
    atMost(`${one!.route}: p99 ms`, one!.p99Ms, 50),
    atMost(`${list!.route}: p99 ms`, list!.p99Ms, 50),
    atLeast(`${starts!.route}: starts per second`, starts!.reqPerSec, 100),
  ]);
  writeResult('api-latency', { rows });
});
