// The database emulator dying: the local runtime answers 503 with Retry-After meanwhile (never 500), /v1/ready
// says not ready, DynamoDB Local is restarted on the same data, everything works again without a restart of
// the runtime, and the background loops do not flood the log.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientFor } from '../support/api-client';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-outage-'));
let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;

function dynamoPids(): number[] {
  return execSync('ps -eo pid,args', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

beforeAll(async () => {
  runtime = await startRuntimeProcess(dataDir);
}, 120_000);
afterAll(async () => {
  await stopProcess(runtime.child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('when DynamoDB Local dies', () => {
  it('answers 503 with Retry-After, restarts it, and recovers by itself', async () => {
    const api = apiClientFor(runtime.demo.baseUrl, runtime.demo.apiKey);
    expect((await api('GET', '/v1/recipes')).status).toBe(200);
    const [first] = dynamoPids();
    expect(first).toBeGreaterThan(0);
    process.kill(first!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const during = await api('GET', '/v1/recipes');
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    const ready = await fetch(`${runtime.demo.baseUrl}/v1/ready`);
    expect(ready.status).toBe(503);
    const write = await api('POST', '/v1/recipes', {
      name: 'during the outage',
      steps: [{ id: 'a', type: 'transform', source: '{{input}}', ops: [] }],
    });
    expect([503]).toContain(write.status);

    let recovered = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const status = (await api('GET', '/v1/recipes')).status;
      expect([200, 503]).toContain(status);
      if (status === 200) {
        recovered = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBeGreaterThan(0);
    expect((await fetch(`${runtime.demo.baseUrl}/v1/ready`)).status).toBe(200);
    const pids = dynamoPids();
    expect(pids).toHaveLength(1);
    expect(pids[0]).not.toBe(first);

    // The data survived, and a run works end to end again.
    const run = await api('POST', '/v1/recipes/rcp_lead_intelligence/executions?wait=true', {
      input: { domain: 'kestrel-cargo.example' },
    });
    expect(run.body).toMatchObject({ status: 'succeeded' });
    const log = runtime.output();
    expect(log).toContain('DynamoDB Local stopped; restarting it');
    expect(log).toContain('DynamoDB Local is back');
    // Each of the stream's two consumers says once that its polls fail, not once a poll.
    const pollFailures = log.split('\n').filter((line) => line.includes('stream poll failed'));
    for (const consumer of ['recipeflow-table-stream', 'recipeflow-admission'])
      expect(pollFailures.filter((line) => line.includes(consumer)).length).toBeLessThanOrEqual(1);
    expect(pollFailures.length).toBeLessThanOrEqual(2);
    expect(log).not.toContain('the gateway failed');
  }, 120_000);
});
