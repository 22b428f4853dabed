// The local runtime contract: Ctrl-C stops every child it started; a second start on the same data folder
// finds everything it left (keys, recipes without new versions, executions).
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function call(baseUrl: string, key: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, any>;
}

function dynamoProcessesFor(folder: string): number {
  const out = execSync('ps -eo args', { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(folder)).length;
}

describe('restarting the local runtime', () => {
  it('keeps keys, recipes and executions, and stops its children on SIGTERM', async () => {
    const first = await startRuntimeProcess(dataDir);
    const run = await call(
      first.demo.baseUrl,
      first.demo.apiKey,
      'POST',
      '/v1/recipes/rcp_lead_intelligence/executions?wait=true',
      {
        input: { domain: 'kestrel-cargo.example' },
      },
    );
    expect(run.status).toBe('succeeded');
    expect(dynamoProcessesFor(dataDir)).toBe(1);
    expect(await stopProcess(first.child)).toBe(0);
    expect(dynamoProcessesFor(dataDir)).toBe(0);
    expect(existsSync(path.join(dataDir, 'demo.json'))).toBe(false);

    const second = await startRuntimeProcess(dataDir);
    try {
      expect(second.demo.apiKey).toBe(first.demo.apiKey);
      const again = await call(second.demo.baseUrl, second.demo.apiKey, 'GET', `/v1/executions/${run.id}`);
      expect(again).toMatchObject({ id: run.id, status: 'succeeded', output: run.output });
      const versions = await call(
        second.demo.baseUrl,
        second.demo.apiKey,
        'GET',
        '/v1/recipes/rcp_lead_intelligence/versions',
      );
      expect(versions.items).toHaveLength(1);
    } finally {
      await stopProcess(second.child);
    }
  }, 120_000);
});
