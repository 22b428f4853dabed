// Signing in to the console through the deployment's OIDC issuer (authorization code + PKCE), with the JWT the
// API accepts: a runtime configured with the issuer's JWKS, a fake issuer speaking the protocol on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openConsole } from '../support/console-page';
import { startFakeOidc } from '../support/fake-oidc';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

let browser: Browser;
let oidc: Awaited<ReturnType<typeof startFakeOidc>>;
let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-oidc-'));

beforeAll(async () => {
  oidc = await startFakeOidc({
    clientId: 'console',
    audience: 'recipeflow',
    user: { sub: 'ada', tenantId: 'ten_demo', role: 'operator' },
  });
  runtime = await startRuntimeProcess(dataDir, {
    JWT_ISSUER: oidc.issuer,
    JWT_JWKS_URL: `${oidc.issuer}/jwks`,
    JWT_AUDIENCE: 'recipeflow',
    JWT_SECRET: '',
    OIDC_CLIENT_ID: 'console',
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (runtime) await stopProcess(runtime.child);
  await oidc?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('console sign-in through an OIDC issuer', { timeout: 120_000 }, () => {
  it('signs in with authorization code + PKCE and acts with the role the token carries', async () => {
    const { page, errors, close } = await openConsole(browser);
    await page.goto(runtime.demo.baseUrl);
    await page.getByRole('button', { name: `Sign in with ${new URL(oidc.issuer).host}` }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(oidc.tokenRequests).toEqual([{ status: 200 }]);
    // Back on the console with no code or token in the address, the tenant and role from the token.
    expect(page.url()).toBe(`${runtime.demo.baseUrl}/runs`);
    await page.getByText('ten_demo · operator').waitFor();
    // An operator may run recipes but not edit them.
    await page.goto(`${runtime.demo.baseUrl}/recipes/rcp_lead_discovery`);
    await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Recipe definition').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});
