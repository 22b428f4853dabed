// List latency with 100 vs 100,000 executions in one tenant: pages are Query + Limit on a partition, so the
// time of a page must not grow with the tenant's history. Median of 30 sequential requests through the API.
// Then the web console's Runs page on the same tenants in Chromium: time to the first rows, time to scroll
// through 2,000 runs, and how many rows the virtualised table keeps in the page meanwhile.
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createApiKey } from '../shared/auth/api-keys';
import { openAccountIfMissing } from '../shared/credits/credits';
import { keys } from '../shared/data/keys';
import { createDeps, type Deps } from '../shared/deps';
import { newId } from '../shared/ids';
import { putTenantIfMissing } from '../shared/tenants/tenant-repository';
import { launchChromium } from '../test/support/browser';
import { atMost, percentile, printTargets, withRuntime, writeResult } from './support';

const SIZES = [100, 100_000];

async function seed(deps: Deps, tenantId: string, count: number) {
  const items = Array.from({ length: count }, (_, i) => {
    const id = newId('exe', Date.now() - count + i);
    const status = i % 10 === 0 ? 'failed' : 'succeeded';
    return {
      ...keys.execution(tenantId, id),
      GSI1PK: keys.executionsByRecipe(tenantId, 'rcp_bench'),
      GSI1SK: id,
      GSI2PK: keys.executionsByStatus(tenantId, status),
      GSI2SK: id,
      id,
      recipeId: 'rcp_bench',
      version: 1,
      status,
      trigger: 'api',
      engine: 'EXPRESS',
      input: { i },
      output: { ok: true },
      startedBy: 'bench',
      creditsReserved: 3,
      createdAt: new Date().toISOString(),
    };
  });
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 16) {
    await Promise.all(
      batches.slice(i, i + 16).map(async (batch) => {
        let request: Record<string, unknown[]> | undefined = {
          [deps.config.TABLE_NAME]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length > 0) {
          const result = await deps.db.send(new BatchWriteCommand({ RequestItems: request as never }));
          request = result.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
      }),
    );
  }
}

/** The Runs page of the console: first rows, then scrolling until 2,000 runs are loaded. */
async function timeConsole(baseUrl: string, key: string, size: number) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(baseUrl);
    await page.getByLabel('API key').fill(key);
    const started = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /^exe_/ }).first().waitFor();
    const firstRowsMs = performance.now() - started;
    const target = Math.min(2000, size);
    const scrolled = performance.now();
    let domRows = 0;
    while (true) {
      const loaded = await page.evaluate<number>(
        "Number(document.querySelector('[aria-live=polite].small')?.textContent?.match(/\\d+/)?.[0] ?? 0)",
      );
      domRows = Math.max(domRows, await page.locator('tbody tr').count());
      if (loaded >= target) break;
      await page.evaluate("document.querySelector('.table-scroll.runs').scrollTop = 1e9");
      await page.waitForTimeout(20);
    }
    return { firstRowsMs, scrollMs: performance.now() - scrolled, domRows, loaded: target };
  } finally {
    await browser.close();
  }
}

async function timePages(baseUrl: string, key: string, query: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 32; i++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/v1/executions?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`list answered ${response.status}`);
    if (i >= 2) samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  return percentile(samples, 50);
}

await withRuntime(async (runtime) => {
  const deps = createDeps();
  const rows = [];
  const consoleRows: Array<{
    executions: number;
    firstRowsMs: number;
    scrolledRuns: number;
    scrollMs: number;
    mostRowsInPage: number;
  }> = [];
  for (const size of SIZES) {
    const tenantId = `ten_scale_${size}`;
    await putTenantIfMissing(deps, {
      id: tenantId,
      name: `scale ${size}`,
      plan: 'enterprise',
      status: 'active',
      createdAt: new Date().toISOString(),
    });
    await openAccountIfMissing(deps, tenantId, 'enterprise');
    const { key } = await createApiKey(deps, { tenantId, role: 'viewer', name: 'bench' });
    const seeded = performance.now();
    await seed(deps, tenantId, size);
    const seedSeconds = (performance.now() - seeded) / 1000;
    rows.push({
      executions: size,
      seedSeconds: +seedSeconds.toFixed(1),
      firstPageMs: +(await timePages(runtime.baseUrl, key, 'limit=25')).toFixed(1),
      byStatusMs: +(await timePages(runtime.baseUrl, key, 'limit=25&status=failed')).toFixed(1),
      byRecipeMs: +(await timePages(runtime.baseUrl, key, 'limit=25&recipeId=rcp_bench')).toFixed(1),
    });
    const ui = await timeConsole(runtime.baseUrl, key, size);
    consoleRows.push({
      executions: size,
      firstRowsMs: Math.round(ui.firstRowsMs),
      scrolledRuns: ui.loaded,
      scrollMs: Math.round(ui.scrollMs),
      mostRowsInPage: ui.domRows,
    });
  }
  console.log('\nList latency by history size (median of 30; target: flat):');
  console.table(rows);
  console.log(
    '\nThe console’s Runs page (Chromium; target: flat, rows in the page bounded by the viewport):',
  );
  console.table(consoleRows);
  // Flat: the largest history's figure within twice the smallest's (plus a few ms of noise).
  const flat = (figure: string, small: number, large: number) =>
    atMost(`${figure}: largest history, ms (smallest ${small})`, large, Math.max(2 * small, small + 10));
  const [few, many] = [rows[0]!, rows.at(-1)!];
  const [fewUi, manyUi] = [consoleRows[0]!, consoleRows.at(-1)!];
  printTargets([
    flat('first page, newest', few.firstPageMs, many.firstPageMs),
    flat('first page by status', few.byStatusMs, many.byStatusMs),
    flat('first page by recipe', few.byRecipeMs, many.byRecipeMs),
    flat('console first rows', fewUi.firstRowsMs, manyUi.firstRowsMs),
    atMost('console rows in the page', manyUi.mostRowsInPage, 100),
  ]);
  writeResult('scale', { rows, console: consoleRows });
});
