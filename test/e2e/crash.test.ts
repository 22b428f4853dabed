// Crashes: the local runtime is killed (SIGKILL, no chance to save anything) at random moments while runs go,
// once within 100 ms of a start, and started again on the same data. Afterwards every run has ended, no
// concurrency slot or reservation is held, the ledger sums to the balance and the audit chain verifies. An
// http POST repeated by a resumed run carries the same Idempotency-Key.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientFor } from '../support/api-client';
import { ledgerSum } from '../support/ledger';
import { startFakeServer } from '../support/local-stack';
import { seededRandom } from '../support/random';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-crash-'));
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let hook: Awaited<ReturnType<typeof startFakeServer>>;
const deliveries: Array<string | undefined> = [];

/** SIGKILL to the runtime's Node processes (not DynamoDB Local: the next start must deal with the orphan). */
function crash(pid: number) {
  const table = execSync('ps -eo pid,ppid,args', { encoding: 'utf8' })
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map(([p, pp, ...args]) => ({ pid: Number(p), ppid: Number(pp), args: args.join(' ') }));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++)
    for (const row of table) if (row.ppid === tree[i] && !tree.includes(row.pid)) tree.push(row.pid);
  for (const p of tree) {
    if (table.find((row) => row.pid === p)?.args.includes('DynamoDBLocal.jar')) continue;
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function restart() {
  rmSync(path.join(dataDir, 'demo.json'), { force: true }); // the crashed runtime could not remove it
  runtime = await startRuntimeProcess(dataDir);
  return apiClientFor(runtime.demo.baseUrl, key);
}

let key: string;
let recipeId: string;

beforeAll(async () => {
  hook = await startFakeServer((req, res) => {
    deliveries.push(req.headers['idempotency-key'] as string | undefined);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  runtime = await startRuntimeProcess(dataDir);
  const platform = apiClientFor(runtime.demo.baseUrl, runtime.demo.platformAdminKey);
  const onboarded = await platform('POST', '/v1/tenants', { name: 'crash', plan: 'pro' });
  key = onboarded.body!.apiKey.key;
  const api = apiClientFor(runtime.demo.baseUrl, key);
  await api('PUT', '/v1/settings', { httpAllowList: [hook.url] });
  const recipe = await api('POST', '/v1/recipes', {
    name: 'notify then wait',
    mode: 'standard',
    steps: [
      { id: 'notify', type: 'http', method: 'POST', url: `${hook.url}/hook`, body: { n: '{{input.n}}' } },
      { id: 'pause', type: 'wait', seconds: 1 },
      { id: 'score', type: 'score', rules: [{ when: { path: 'input.n', op: 'gte', value: 0 }, points: 1 }] },
    ],
  });
  expect(recipe.status).toBe(201);
  recipeId = recipe.body!.id;
}, 120_000);
afterAll(async () => {
  await stopProcess(runtime.child);
  hook.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('killing the local runtime mid-run', () => {
  it(`ends every run, holds nothing, and keeps the ledger and audit chain whole (seed ${seed})`, async () => {
    const next = seededRandom(seed);
    let api = apiClientFor(runtime.demo.baseUrl, key);
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const starts: Array<Promise<unknown>> = [];
      for (let i = 0; i < 4; i++) {
        starts.push(
          api('POST', `/v1/recipes/${recipeId}/executions`, { input: { n: n++ } }).catch(() => undefined),
        );
        await new Promise((resolve) => setTimeout(resolve, 100 + next() * 200));
      }
      // Round 0: killed within 100 ms of a start (its answer may never come); later rounds: mid-run.
      const last = api('POST', `/v1/recipes/${recipeId}/executions`, { input: { n: n++ } }).catch(
        () => undefined,
      );
      await new Promise((resolve) =>
        setTimeout(resolve, round === 0 ? 5 + next() * 90 : 300 + next() * 1200),
      );
      crash(runtime.child.pid!);
      await Promise.allSettled([...starts, last]);
      api = await restart();
    }

    // Every run the records know ends (resumed, or settled by the start sweep).
    let runs: Array<{ id: string; status: string }> = [];
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      runs = (await api('GET', `/v1/executions?recipeId=${recipeId}&limit=100`)).body!.items;
    } while (
      runs.some((r) => ['running', 'waiting_review', 'queued'].includes(r.status)) &&
      Date.now() < deadline
    );
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.filter((r) => !['succeeded', 'failed'].includes(r.status))).toEqual([]);

    const credits = (await api('GET', '/v1/credits')).body!;
    expect(credits.running).toBe(0);
    expect(await ledgerSum(api)).toBe(credits.balance);

    // The audit chain catches up from its stream checkpoint and verifies.
    let verified: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) {
      verified = (await api('GET', '/v1/audit/verify')).body!;
      if (verified.valid === true) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(verified).toMatchObject({ valid: true });

    // A POST sent again by a resumed run carries the same key as before; keys name one run's one step.
    expect(deliveries.every((k) => /^exe_[a-z0-9]+\/notify$/.test(String(k)))).toBe(true);
    const succeeded = runs.filter((r) => r.status === 'succeeded').map((r) => `${r.id}/notify`);
    for (const k of succeeded) expect(deliveries).toContain(k);
  }, 300_000);
});
