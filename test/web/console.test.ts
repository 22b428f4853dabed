// The web console in a real browser (Debian's Chromium driven by playwright-core) against the local runtime
// `npm start` runs: every screen a person uses, as they use it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClientFor } from '../support/api-client';
import { launchChromium } from '../support/browser';
import { openConsole, screenshot, seriousViolations, signIn } from '../support/console-page';
import { until } from '../support/until';

const NAV = [
  'Runs',
  'Reviews',
  'Recipes',
  'Artifacts',
  'Schedules',
  'Triggers',
  'Credits',
  'Audit',
  'Settings',
];
const MUTATING =
  /^(Approve|Reject|Save|Run|Cancel|Redrive|Delete|Revoke|Create|New recipe|Set secret|Install|Onboard|Suspend)\b/;

let browser: Browser;
const { baseUrl, platformAdminKey } = inject('demo');
let adminKey: string;
let api: ReturnType<typeof apiClientFor>;

async function runUntil(id: string, statuses: string[]) {
  return until(
    async () => (await api('GET', `/v1/executions/${id}`)).body!,
    (run) => statuses.includes(run.status),
    400,
  );
}

async function startReviewRun() {
  const started = await api('POST', '/v1/recipes/rcp_outreach_personalization/executions', {
    domain: 'acme-logistics.example',
    contactName: 'Ada',
    contactEmail: 'ada@acme-logistics.example',
  });
  expect(started.status).toBe(202);
  await runUntil(started.body!.id, ['waiting_review']);
  const reviews = await api('GET', '/v1/reviews?limit=100');
  const review = reviews.body!.items.find((r: { executionId: string }) => r.executionId === started.body!.id);
  return { runId: started.body!.id as string, review };
}

beforeAll(async () => {
  // A tenant of its own, with the built-in recipes installed, so other suites' runs never show here.
  const onboarded = await apiClientFor(baseUrl, platformAdminKey)('POST', '/v1/tenants', {
    name: 'Console tenant',
    plan: 'enterprise',
    withExamples: true,
  });
  expect(onboarded.status).toBe(201);
  adminKey = onboarded.body!.apiKey.key;
  api = apiClientFor(baseUrl, adminKey);
  // The built-in recipes call the local company directory: the settings the demo tenant was seeded with.
  const { updatedAt: _, ...settings } = (
    await apiClientFor(baseUrl, inject('demo').apiKey)('GET', '/v1/settings')
  ).body!;
  expect((await api('PUT', '/v1/settings', settings)).status).toBe(200);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

// A browser drives each test through many pages: minutes under a loaded CI machine, not the 30 s default.
describe('the web console', { timeout: 240_000 }, () => {
  it('signs in with an API key kept for the tab only, names its navigation, and signs out', async () => {
    const { page, errors, close } = await openConsole(browser);
    await page.goto(baseUrl);
    await page.getByLabel('API key').waitFor();
    // Keyboard only: the key field is reachable and Enter submits.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('api-key');
    await page.keyboard.type(adminKey);
    await page.keyboard.press('Enter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual(NAV);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(page.url()).not.toContain(adminKey);
    expect(await page.evaluate(() => Object.values({ ...sessionStorage }))).toContain(adminKey);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // A new tab knows nothing of the key.
    const other = await openConsole(browser);
    await other.page.goto(baseUrl);
    await other.page.getByLabel('API key').waitFor();
    await other.close();
    expect(errors).toEqual([]);
    await close();
  });

  it('runs a recipe from its input form and shows the run finishing as a graph and a timeline', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/recipes');
    await page.getByRole('link', { name: 'Lead Discovery' }).click();
    await page.getByLabel('query').fill('logistics');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/exe_/);
    await page.locator('.facts .badge', { hasText: 'succeeded' }).waitFor();
    const graph = page.getByRole('figure', { name: /Graph of rcp_/ });
    for (const step of ['expand', 'search', 'leads']) {
      await graph.getByText(new RegExp(`^${step} · `)).waitFor();
      await page.getByRole('region', { name: 'Timeline' }).getByText(step, { exact: true }).waitFor();
    }
    expect(await page.locator('.react-flow__node.status-succeeded').count()).toBe(3);
    // A step's details: attempts, tokens and cost of the ai step; credits of the run.
    await page.getByRole('button', { name: 'expand', exact: true }).click();
    const details = page.getByRole('region', { name: 'Step expand' });
    await details.getByText(/tokens/).waitFor();
    await details
      .getByText(/attempt/)
      .first()
      .waitFor();
    await page.getByText('Credits charged').waitFor();
    await screenshot(page, 'run');
    expect(errors).toEqual([]);
    await close();
  });

  it('shows new runs and their status changes on the Runs page without a reload', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/runs');
    const started = await api('POST', '/v1/recipes/rcp_lead_discovery/executions', { query: 'live' });
    const row = page.getByRole('row', { name: new RegExp(started.body!.id) });
    await row.waitFor();
    await row.getByText('succeeded').waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(started.body!.id) }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('');
    await screenshot(page, 'runs');
    expect(errors).toEqual([]);
    await close();
  });

  it('cancels selected runs in bulk', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'Waits a minute',
      steps: [{ id: 'pause', type: 'wait', seconds: 60 }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push((await api('POST', `/v1/recipes/${recipe.body!.id}/executions`, {})).body!.id);
    for (const id of ids) await runUntil(id, ['running']);
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/runs');
    for (const id of ids) await page.getByLabel(`Select ${id}`).check();
    await page.getByRole('button', { name: 'Cancel selected (2)' }).click();
    for (const id of ids) await runUntil(id, ['cancelled']);
    for (const id of ids)
      await page
        .getByRole('row', { name: new RegExp(id) })
        .getByText('cancelled')
        .waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('approves a review with edits, and the run succeeds with the edited data and the reviewer on it', async () => {
    const { runId, review } = await startReviewRun();
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/reviews');
    await page.getByRole('link', { name: 'Open approve' }).first().waitFor();
    await screenshot(page, 'reviews');
    await page.goto(`${baseUrl}/reviews/${review.id}`);
    const edits = page.getByLabel('Edits');
    await edits.waitFor();
    // Not JSON: refused before it reaches the API.
    await edits.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"subject": ');
    await page.getByText(/Edits are not valid JSON/).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    const edited = { ...review.data, subject: 'Edited in the console' };
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(JSON.stringify(edited, null, 2));
    await screenshot(page, 'review');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.locator('.facts .badge', { hasText: 'succeeded' }).waitFor({ timeout: 20_000 });
    const run = await runUntil(runId, ['succeeded']);
    expect(run.output.subject).toBe('Edited in the console');
    // The decision and who made it, on the run.
    await page.getByRole('button', { name: 'approve', exact: true }).click();
    const me = (await api('GET', '/v1/me')).body!;
    await page.getByRole('region', { name: 'Step approve' }).getByText(`Approved by ${me.keyId}`).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('uploads a CSV by the file picker with progress, and shows its sample as a table', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/artifacts');
    const csv = 'domain,name,employees\nacme.example,Acme,120\nbluefin.example,Bluefin,45\n';
    await page
      .getByLabel('File')
      .setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const sample = page.getByRole('region', { name: 'Sample' });
    await sample.getByRole('columnheader', { name: 'employees' }).waitFor();
    await sample.getByRole('cell', { name: 'bluefin.example' }).waitFor();
    await page
      .getByRole('row', { name: /leads\.csv/ })
      .getByText('uploaded')
      .waitFor();
    await screenshot(page, 'artifacts');
    expect(errors).toEqual([]);
    await close();
  });

  it('saves an invalid recipe and shows the field the API names, on the field; a valid save makes a version', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/recipes');
    await page.getByRole('link', { name: 'Lead Intelligence' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByLabel('Recipe definition');
    await editor.waitFor();
    // Completion from the step registry: step types for "type", a type's fields for a property name.
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"steps": [{"id": "a", "type": "h"}]}');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete').getByText('"http"').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"steps": [{"id": "a", "type": "http", "ur": 1}]}');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete').getByText('"url"').waitFor();
    await page.keyboard.press('Escape');
    const invalid = { name: 'Broken', steps: [{ id: 'fetch', type: 'http', url: 5 }] };
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(JSON.stringify(invalid, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').locator('code', { hasText: 'steps[0].url' }).waitFor();
    // Marked on the field itself in the editor.
    await page.locator('.cm-lintRange-error').first().waitFor();
    await screenshot(page, 'recipe-editor');
    const valid = { name: 'Renamed', steps: [{ id: 'fetch', type: 'http', url: 'https://example.com' }] };
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(JSON.stringify(valid, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('region', { name: 'Differences between the two versions' })
      .getByText('+   "name": "Renamed",')
      .waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('creates and deletes a schedule showing its next fire times, and a trigger; verifies the audit chain', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/schedules');
    await page.getByLabel('Recipe').selectOption('rcp_lead_discovery');
    await page.getByLabel('Expression').fill('rate(1 hour)');
    await page.getByLabel('Input (JSON)').fill('{"query":"scheduled"}');
    await page.getByLabel('Description').fill('hourly discovery');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const row = page.getByRole('row', { name: /hourly discovery/ });
    await row.waitFor();
    expect(await row.locator('time').count()).toBe(3);
    await row.getByRole('button', { name: /Delete/ }).click();
    await expect.poll(() => page.getByRole('row', { name: /hourly discovery/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Triggers' }).click();
    await page.getByLabel('Recipe').selectOption('rcp_lead_discovery');
    await page.getByLabel('Filename prefix').fill('incoming-');
    await page.getByLabel('Input added to each run (JSON)').fill('{"query":"uploaded leads"}');
    await page.getByLabel('Description').fill('incoming leads');
    await page.getByRole('button', { name: 'Create trigger' }).click();
    const trigger = page.getByRole('row', { name: /incoming leads/ });
    await trigger.waitFor();
    await trigger.getByRole('button', { name: /Delete/ }).click();
    await expect.poll(() => page.getByRole('row', { name: /incoming leads/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Audit' }).click();
    // Events arrive a batching window after the change; the page says so.
    await page.getByText(/within the deployment's batching window/).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page
      .getByRole('status')
      .getByText(/The chain is intact/)
      .waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('shows an API key once on creation and never a credential secret', async () => {
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, adminKey, '/settings');
    await page.getByLabel('Name', { exact: true }).first().fill('openai-main');
    await page.getByLabel('API key of the provider').fill('sk-console-secret-value');
    await page.getByRole('button', { name: 'Set secret' }).click();
    await page.getByRole('cell', { name: 'openai-main', exact: true }).waitFor();
    expect(await page.content()).not.toContain('sk-console-secret-value');
    await page.locator('#key-name').fill('ci reader');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await page.getByLabel('New API key').inputValue();
    expect(shown).toMatch(/^rf_/);
    await page.reload();
    await page.getByRole('cell', { name: /^ci reader/ }).waitFor();
    expect(await page.content()).not.toContain(shown);
    expect(errors).toEqual([]);
    await close();
  });

  it('gives a viewer no button that changes anything', async () => {
    const viewerKey = (await api('POST', '/v1/api-keys', { name: 'viewer', role: 'viewer' })).body!.key;
    const { runId, review } = await startReviewRun();
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, viewerKey, '/runs');
    const pages = [
      '/runs',
      `/runs/${runId}`,
      '/reviews',
      `/reviews/${review.id}`,
      '/recipes',
      '/recipes/rcp_lead_discovery',
      '/artifacts',
      '/schedules',
      '/triggers',
      '/credits',
      '/settings',
    ];
    for (const path of pages) {
      await page.goto(`${baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const buttons = await page.getByRole('button').allTextContents();
      expect(
        buttons.filter((name) => MUTATING.test(name.trim())),
        path,
      ).toEqual([]);
    }
    await page.goto(`${baseUrl}/recipes/rcp_lead_discovery`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Recipe definition').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByLabel('File').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('passes axe (no serious or critical violations) on every screen at 1280 and 390 px, with no console error', async () => {
    const { runId, review } = await startReviewRun();
    const screens: Array<[string, string]> = [
      ['runs', '/runs'],
      ['run', `/runs/${runId}`],
      ['reviews', '/reviews'],
      ['review', `/reviews/${review.id}`],
      ['recipes', '/recipes'],
      ['recipe', '/recipes/rcp_outreach_personalization'],
      ['artifacts', '/artifacts'],
      ['schedules', '/schedules'],
      ['triggers', '/triggers'],
      ['credits', '/credits'],
      ['audit', '/audit'],
      ['settings', '/settings'],
    ];
    for (const width of [1280, 390]) {
      const { page, errors, close } = await openConsole(browser, width);
      await page.goto(baseUrl);
      expect(await seriousViolations(page), `sign-in at ${width}`).toEqual([]);
      await signIn(page, baseUrl, adminKey);
      for (const [name, path] of screens) {
        await page.goto(`${baseUrl}${path}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        expect(await seriousViolations(page), `${name} at ${width}`).toEqual([]);
        // Nothing wider than the screen: wide tables scroll inside their own box.
        expect(
          await page.evaluate<number>('document.documentElement.scrollWidth'),
          `${name} at ${width}`,
        ).toBeLessThanOrEqual(width);
        if (width === 1280) await screenshot(page, `screen-${name}`);
      }
      expect(errors, `console errors at ${width}`).toEqual([]);
      await close();
    }
    // The platform admin's Tenants screen.
    const { page, errors, close } = await openConsole(browser);
    await signIn(page, baseUrl, platformAdminKey, '/tenants');
    await page.getByRole('link', { name: 'Tenants' }).waitFor();
    await page
      .getByRole('cell', { name: /Console tenant/ })
      .first()
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'tenants');
    expect(errors).toEqual([]);
    await close();
  });
});
