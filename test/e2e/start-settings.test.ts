// `npm start` refuses a setting out of range before it starts anything, naming the setting and its range.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntimeProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-settings-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local runtime’s settings', () => {
  it.each([
    ['AUDIT_BATCHING_WINDOW_SECONDS', '400', 'from 0 to 300'],
    ['AUDIT_BATCHING_WINDOW_SECONDS', 'soon', 'from 0 to 300'],
    ['AUTHORIZER_CACHE_TTL_SECONDS', '-1', 'from 0 to 3600'],
  ])('refuses %s=%s, naming it and its range', async (name, value, range) => {
    const started = startRuntimeProcess(dataDir, { [name]: value });
    await expect(started).rejects.toThrow(`${name} must be a number of seconds ${range} (it is "${value}")`);
  });
});
