// API latency and throughput on the local runtime with autocannon on 127.0.0.1, run as a second process so the
// load does not share the runtime's event loop: a fixed rate of requests for GET /v1/executions/{id},
// GET /v1/executions and POST …/executions, each after a warm-up (a handler's first request loads its module:
// a cold start, which `bundles` measures). Targets: reads p99 ≤ 50 ms at 200 req/s, starts ≥ 100/s. The
// gateway caches the authorizer's answer per key as API Gateway does (30 s).
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApiKey } from '../shared/auth/api-keys';
import { openAccountIfMissing } from '../shared/credits/credits';
import { createDeps } from '../shared/deps';
import { startExecution, waitForExecution } from '../shared/executions/start-execution';
import { createRecipe } from '../shared/recipes/recipes';
import { putTenantIfMissing } from '../shared/tenants/tenant-repository';
import { atLeast, atMost, printTargets, withRuntime, writeResult } from './support';

const RATE = 200;
const SECONDS = 10;
const WARM_UP = 20;

interface LoadResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** CPU time of DynamoDB Local (the runtime's child Java process), from /proc, in ms. */
function javaCpuMs(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
  return total;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** autocannon's CLI in a process of its own, at RATE requests per second from 20 connections. */
async function load(url: string, method: string, headers: Record<string, string>, body?: string) {
  const args = ['-j', '-c', '20', '-R', String(RATE), '-d', String(SECONDS), '-m', method];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  if (body !== undefined) args.push('-b', body);
  const { stdout } = await promisify(execFile)(path.resolve('node_modules/.bin/autocannon'), [...args, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LoadResult;
}

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
    for (let i = 0; i < WARM_UP; i++) {
      const response = await fetch(`${runtime.baseUrl}${c.path}`, {
        method: c.method,
        headers,
        ...('body' in c ? { body: c.body } : {}),
      });
      await response.arrayBuffer();
    }
    await runtime.idle();
    const cpuBefore = { runtime: process.cpuUsage(), dynamo: javaCpuMs(runtime.pids) };
    const result = await load(
      `${runtime.baseUrl}${c.path}`,
      c.method,
      headers,
      'body' in c ? c.body : undefined,
    );
    rows.push({
      route: c.name,
      rate: RATE,
      requests: result.requests.total,
      reqPerSec: +result.requests.average.toFixed(0),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      // CPU each side spent per request: what bounds the rate on two cores.
      runtimeCpuMs: +(cpuMs(process.cpuUsage(cpuBefore.runtime)) / result.requests.total).toFixed(2),
      dynamoLocalCpuMs: +((javaCpuMs(runtime.pids) - cpuBefore.dynamo) / result.requests.total).toFixed(2),
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
