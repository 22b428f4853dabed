// HTTP against the local runtime (started by the global setup exactly as `npm start` starts it).
import { describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';

const api = apiClient();

async function directoryUrl(): Promise<string> {
  const settings = await api('GET', '/v1/settings');
  return settings.body!.values.directoryUrl as string;
}

function recipe(directory: string, name = 'e2e recipe') {
  return {
    name,
    inputSchema: { type: 'object', required: ['domain'], properties: { domain: { type: 'string' } } },
    steps: [
      { id: 'company', type: 'http', url: `${directory}/companies/{{input.domain}}` },
      {
        id: 'fit',
        type: 'score',
        rules: [{ when: { path: 'steps.company.output.body.employees', op: 'gte', value: 100 }, points: 50 }],
        bands: [
          { min: 50, label: 'big' },
          { min: 0, label: 'small' },
        ],
      },
    ],
    output: { company: '{{steps.company.output.body.name}}', size: '{{steps.fit.output.band}}' },
  };
}

describe('health and auth', () => {
  it('answers health and readiness without a key', async () => {
    const anonymous = apiClient('');
    expect((await anonymous('GET', '/v1/health')).body).toEqual({ status: 'ok' });
    expect(await anonymous('GET', '/v1/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { dynamodb: 'ok', s3: 'ok' } },
    });
  });

  it('answers 401 problem+json without a valid key', async () => {
    const response = await apiClient('rf_not-a-key')('GET', '/v1/recipes');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('takes credentials only from the Authorization header, as the deployed authorizer does', async () => {
    const { baseUrl, apiKey } = inject('demo');
    // No identity source: API Gateway answers 401 itself, without calling the authorizer.
    const viaApiKeyHeader = await fetch(`${baseUrl}/v1/recipes`, { headers: { 'x-api-key': apiKey } });
    expect(viaApiKeyHeader.status).toBe(401);
    expect(await viaApiKeyHeader.json()).toEqual({ message: 'Unauthorized' });
    const notBearer = await fetch(`${baseUrl}/v1/recipes`, { headers: { authorization: apiKey } });
    expect(notBearer.status).toBe(401);
    expect((await api('GET', '/v1/recipes')).status).toBe(200);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    expect((await api('GET', '/v1/nothing')).status).toBe(404);
    expect((await api('PATCH', '/v1/recipes')).status).toBe(405);
  });
});

describe('recipes and executions over HTTP', () => {
  it('creates a recipe, runs it with ?wait=true and reads its steps', async () => {
    const created = await api('POST', '/v1/recipes', recipe(await directoryUrl()));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, engine: 'EXPRESS' });
    const run = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, {
      input: { domain: 'acme-logistics.example' },
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      status: 'succeeded',
      output: { company: 'Acme Logistics', size: 'big' },
      version: 1,
      trigger: 'api',
    });
    const read = await api('GET', `/v1/executions/${run.body!.id}`);
    expect(
      read.body!.steps.map((s: { stepId: string; status: string }) => `${s.stepId}:${s.status}`),
    ).toEqual(['company:succeeded', 'fit:succeeded']);
    // Finalize records the workflow run, named after the tenant and the execution (an Express run's ARN
    // carries a run id after its name).
    expect(read.body!).toMatchObject({ engine: 'EXPRESS' });
    expect(read.body!.executionArn).toMatch(
      new RegExp(`:express:recipeflow-[0-9a-f]+:ten_\\w+\\.${run.body!.id}:[0-9a-f-]{36}$`),
    );
  });

  it('starts asynchronously by default with 202 and the run finishes', async () => {
    const created = await api('POST', '/v1/recipes', recipe(await directoryUrl()));
    const started = await api('POST', `/v1/recipes/${created.body!.id}/executions`, {
      input: { domain: 'fjord-analytics.example' },
    });
    expect(started.status).toBe(202);
    expect(['queued', 'running', 'succeeded']).toContain(started.body!.status);
    let execution = started.body!;
    for (let i = 0; i < 50 && execution.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      execution = (await api('GET', `/v1/executions/${started.body!.id}`)).body!;
    }
    expect(execution.output).toEqual({ company: 'Fjord Analytics', size: 'small' });
  });

  it('shows a run without the table’s key attributes, however it is read', async () => {
    const created = await api('POST', '/v1/recipes', recipe(await directoryUrl()));
    const run = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, {
      input: { domain: 'fjord-analytics.example' },
    });
    expect(run.status).toBe(200);
    const storageKey = /^(PK|SK|GSI\d+(PK|SK))$/;
    const lists = [
      '/v1/executions?limit=100',
      `/v1/executions?recipeId=${created.body!.id}`,
      '/v1/executions?status=succeeded&limit=100',
    ];
    const shown = [run.body!, (await api('GET', `/v1/executions/${run.body!.id}`)).body!];
    for (const list of lists) {
      const items = (await api('GET', list)).body!.items as Array<Record<string, unknown>>;
      const listed = items.find((item) => item.id === run.body!.id);
      expect(listed, list).toBeDefined();
      shown.push(listed!);
    }
    for (const execution of shown)
      expect(Object.keys(execution).filter((name) => storageKey.test(name))).toEqual([]);
  });

  it('takes the input itself as the body as well as wrapped in { input }', async () => {
    const created = await api('POST', '/v1/recipes', recipe(await directoryUrl()));
    const bare = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, {
      domain: 'fjord-analytics.example',
    });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({
      input: { domain: 'fjord-analytics.example' },
      output: { company: 'Fjord Analytics' },
    });
  });

  it('pins each execution to the version it ran; PUT makes a new version', async () => {
    const directory = await directoryUrl();
    const created = await api('POST', '/v1/recipes', recipe(directory));
    const id = created.body!.id as string;
    const first = await api('POST', `/v1/recipes/${id}/executions?wait=true`, {
      input: { domain: 'acme-logistics.example' },
    });
    const changed = recipe(directory, 'renamed');
    changed.output = {
      company: '{{steps.company.output.body.domain}}',
      size: '{{steps.fit.output.score}}',
    } as never;
    const updated = await api('PUT', `/v1/recipes/${id}`, changed);
    expect(updated.body).toMatchObject({ version: 2, name: 'renamed' });
    const second = await api('POST', `/v1/recipes/${id}/executions?wait=true`, {
      input: { domain: 'acme-logistics.example' },
    });
    expect([first.body!.version, second.body!.version]).toEqual([1, 2]);
    expect(second.body!.output).toEqual({ company: 'acme-logistics.example', size: 50 });
    const versions = await api('GET', `/v1/recipes/${id}/versions`);
    expect(versions.body!.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const definition = await api('GET', `/v1/recipes/${id}/definition?version=1`);
    expect(definition.body).toMatchObject({ version: 1, definition: { StartAt: 'company' } });
    const byRecipe = await api('GET', `/v1/executions?recipeId=${id}&status=succeeded`);
    expect(byRecipe.body!.items.map((e: { id: string }) => e.id)).toEqual([second.body!.id, first.body!.id]);
  });

  it('reports a failing step on the execution', async () => {
    const created = await api('POST', '/v1/recipes', recipe(await directoryUrl()));
    const run = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, {
      input: { domain: 'nobody.example' },
    });
    expect(run.body).toMatchObject({ status: 'failed', error: { step: 'company', type: 'StepRejected' } });
    expect(run.body!.error.message).toContain('404');
  });

  it('runs the built-in lead recipes offline', async () => {
    const cases = [
      ['rcp_lead_discovery', { query: 'logistics' }],
      ['rcp_lead_intelligence', { domain: 'bluefin-pay.example' }],
    ] as const;
    for (const [id, input] of cases) {
      const run = await api('POST', `/v1/recipes/${id}/executions?wait=true`, { input });
      expect(run.body, id).toMatchObject({ status: 'succeeded' });
    }
    const discovery = await api('POST', '/v1/recipes/rcp_lead_discovery/executions?wait=true', {
      input: { query: 'logistics' },
    });
    const domains = discovery.body!.output.leads.map((l: { domain: string }) => l.domain);
    expect(domains).toEqual(['granite-freight.example', 'acme-logistics.example', 'kestrel-cargo.example']);
  });

  it('gates Outreach Personalization on a review; the approved email lands in the outbox with the edits', async () => {
    const input = {
      domain: 'ivy-health.example',
      contactName: 'Ada',
      contactEmail: 'ada@ivy-health.example',
    };
    const started = await api('POST', '/v1/recipes/rcp_outreach_personalization/executions', { input });
    expect(started.status).toBe(202);
    let execution = started.body!;
    for (let i = 0; i < 50 && execution.status !== 'waiting_review'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      execution = (await api('GET', `/v1/executions/${execution.id}`)).body!;
    }
    expect(execution.status).toBe('waiting_review');
    expect((await api('GET', `/v1/messages?executionId=${execution.id}`)).body!.items).toEqual([]);
    const review = (await api('GET', '/v1/reviews')).body!.items.find(
      (r: { executionId: string }) => r.executionId === execution.id,
    );
    expect(review.data).toMatchObject({ to: 'ada@ivy-health.example' });
    const edits = { subject: 'A better subject', body: 'Hi Ada, a shorter and warmer note.' };
    expect(
      (await api('POST', `/v1/reviews/${review.id}/decision`, { decision: 'approve', edits })).status,
    ).toBe(200);
    for (let i = 0; i < 50 && execution.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      execution = (await api('GET', `/v1/executions/${execution.id}`)).body!;
    }
    expect(execution.output).toMatchObject({ to: 'ada@ivy-health.example', subject: 'A better subject' });
    const messages = (await api('GET', `/v1/messages?executionId=${execution.id}`)).body!.items;
    expect(messages).toEqual([
      expect.objectContaining({
        id: execution.output.messageId,
        channel: 'email',
        status: 'sent',
        transport: 'outbox',
        to: 'ada@ivy-health.example',
        subject: 'A better subject',
        body: 'Hi Ada, a shorter and warmer note.',
      }),
    ]);
  });
});

describe('http safety through the API', () => {
  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/iam/'],
    ['loopback', 'http://127.0.0.1:7070/'],
    ['a name for loopback', 'http://localhost:7070/'],
    ['decimal loopback', 'http://2130706433:7070/'],
  ])('refuses %s with a step error that says why', async (_, url) => {
    const created = await api('POST', '/v1/recipes', {
      name: 'ssrf',
      steps: [{ id: 'call', type: 'http', url }],
    });
    const run = await api('POST', `/v1/recipes/${created.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body).toMatchObject({ status: 'failed', error: { step: 'call', type: 'StepRejected' } });
    expect(run.body!.error.message).toMatch(
      /private, loopback, link-local or metadata address.*httpAllowList/,
    );
    expect(run.body!.steps[0]).toMatchObject({ attempts: 1, status: 'failed' });
  });
});

describe('bad requests', () => {
  it('answers 400 for malformed JSON and writes nothing', async () => {
    const before = await api('GET', '/v1/agents?limit=100');
    const response = await api('POST', '/v1/agents', '{"name": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, errors: [{ path: 'body' }] });
    expect((await api('GET', '/v1/agents?limit=100')).body!.items).toHaveLength(before.body!.items.length);
  });

  it('answers 413 for a body over 1 MiB and writes nothing', async () => {
    const before = await api('GET', '/v1/agents?limit=100');
    const response = await api('POST', '/v1/agents', { name: 'x'.repeat(1_100_000) });
    expect(response).toMatchObject({ status: 413, body: { status: 413, title: 'Content Too Large' } });
    expect((await api('GET', '/v1/agents?limit=100')).body!.items).toHaveLength(before.body!.items.length);
  });

  it('answers 422 naming the field for a recipe that breaks the rules, and writes nothing', async () => {
    const before = await api('GET', '/v1/recipes?limit=100');
    const bad = recipe('http://x');
    (bad.steps[1] as { rules: unknown[] }).rules = [
      { when: { path: 'steps.later.output', op: 'exists' }, points: 1 },
    ];
    bad.steps.push({ id: 'later', type: 'transform' } as never);
    const response = await api('POST', '/v1/recipes', bad);
    expect(response.status).toBe(422);
    const paths = response.body!.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['steps[2].source', 'steps[2].ops']));
    expect((await api('GET', '/v1/recipes?limit=100')).body!.items).toHaveLength(before.body!.items.length);
  });

  it('answers 422 for what Step Functions would refuse: a review in an Express recipe', async () => {
    const before = await api('GET', '/v1/recipes?limit=100');
    const response = await api('POST', '/v1/recipes', {
      name: 'express review',
      mode: 'express',
      steps: [
        { id: 'draft', type: 'transform', source: 'hello', ops: [] },
        { id: 'approval', type: 'review', message: 'ok?' },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body!.errors).toEqual([
      { path: 'steps[1].type', message: expect.stringContaining('Express workflows do not support') },
    ]);
    expect((await api('GET', '/v1/recipes?limit=100')).body!.items).toHaveLength(before.body!.items.length);
  });

  it('answers 422 for input that breaks the recipe input schema and starts nothing', async () => {
    const created = await api('POST', '/v1/recipes', recipe('http://x'));
    const response = await api('POST', `/v1/recipes/${created.body!.id}/executions`, { input: {} });
    expect(response.status).toBe(422);
    expect(response.body!.errors).toEqual([
      { path: 'input.domain', message: "must have required property 'domain'" },
    ]);
    expect((await api('GET', `/v1/executions?recipeId=${created.body!.id}`)).body!.items).toEqual([]);
  });

  it('answers 404 for a missing recipe and 400 for a bad query or cursor', async () => {
    expect((await api('GET', '/v1/recipes/rcp_missing')).status).toBe(404);
    expect((await api('POST', '/v1/recipes/rcp_missing/executions', { input: {} })).status).toBe(404);
    expect((await api('GET', '/v1/executions?status=bogus')).body).toMatchObject({
      status: 400,
      errors: [{ path: 'query.status' }],
    });
    expect((await api('GET', '/v1/recipes?cursor=abc')).status).toBe(400);
  });

  it('answers 400 for a malformed path, an overlong id or a mistyped cursor, and changes nothing', async () => {
    const malformed = await api('GET', '/v1/recipes/%');
    expect(malformed).toMatchObject({ status: 400, body: { title: 'Bad Request' } });
    const long = await api('GET', `/v1/recipes/${'r'.repeat(10_000)}`);
    expect(long).toMatchObject({ status: 400, body: { errors: [{ path: 'path.id' }] } });
    expect((await api('DELETE', `/v1/agents/${'a'.repeat(10_000)}`)).status).toBe(400);
    // A cursor that decodes to a key of the right partition but with a number where a string belongs.
    const { items } = (await api('GET', '/v1/recipes?limit=1')).body!;
    const page = await api('GET', '/v1/recipes?limit=1');
    const genuine = JSON.parse(Buffer.from(page.body!.nextCursor, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const mistyped = Buffer.from(JSON.stringify({ ...genuine, SK: 42 })).toString('base64url');
    expect(items).toHaveLength(1);
    expect((await api('GET', `/v1/recipes?limit=1&cursor=${mistyped}`)).body).toMatchObject({
      status: 400,
      errors: [{ path: 'cursor' }],
    });
  });

  it('refuses an empty body on PUT /v1/settings instead of wiping the settings', async () => {
    const before = await api('GET', '/v1/settings');
    const empty = await api('PUT', '/v1/settings', '');
    expect(empty).toMatchObject({ status: 400, body: { errors: [{ path: 'body' }] } });
    expect((await api('GET', '/v1/settings')).body).toEqual(before.body);
  });

  it('validates settings and keeps the previous ones on error', async () => {
    const before = await api('GET', '/v1/settings');
    const response = await api('PUT', '/v1/settings', { httpAllowList: ['not a url'] });
    expect(response.status).toBe(422);
    expect(response.body!.errors[0].path).toBe('httpAllowList[0]');
    expect((await api('GET', '/v1/settings')).body).toEqual(before.body);
  });
});
