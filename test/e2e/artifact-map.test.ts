// Maps over artifacts through the HTTP API of the local runtime: the compiled Distributed Map (the ASL CDK
// deploys and GET /definition shows) runs on the local Step Functions endpoint, reading the file from the local
// S3 server and writing one result line per item, in input order, to a new artifact.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, uploadArtifact } from '../support/api-client';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  const tenant = await platform('POST', '/v1/tenants', { name: 'artifact maps', plan: 'enterprise' });
  api = apiClient(tenant.body!.apiKey.key);
});

const upload = (filename: string, contentType: string, body: string, triggerId?: string) =>
  uploadArtifact(api, { filename, contentType, body, ...(triggerId ? { triggerId } : {}) });

async function finished(id: string) {
  let run: Record<string, any> = {};
  for (let i = 0; i < 600; i++) {
    run = (await api('GET', `/v1/executions/${id}`)).body!;
    if (!['queued', 'running'].includes(run.status)) return run;
    await sleep(100);
  }
  throw new Error(`run ${id} did not finish: ${JSON.stringify(run)}`);
}

async function resultLines(artifactId: string) {
  const { url } = (await api('GET', `/v1/artifacts/${artifactId}/download`)).body!;
  const text = await (await fetch(url)).text();
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { index: number; output?: unknown; error?: unknown });
}

const ROWS = 20_000;

/** Per row: a transform that shapes it and a score over the shape (two fusable steps, one batch function). */
const rowSteps = [
  {
    id: 'shape',
    type: 'transform',
    source: { domain: '{{item.domain}}', size: '{{item.employees}}' },
    ops: [],
  },
  {
    id: 'fit',
    type: 'score',
    rules: [{ when: { path: 'steps.shape.output.domain', op: 'matches', value: '\\.example$' }, points: 10 }],
    bands: [
      { min: 0, label: 'cold' },
      { min: 10, label: 'warm' },
    ],
  },
];

async function createRecipe(name: string, map: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/v1/recipes', {
    name,
    steps: [{ id: 'each', type: 'map', items: '{{input.artifact}}', steps: rowSteps, ...map }],
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body!.id as string;
}

describe('a map over an artifact', () => {
  it('compiles to a Distributed Map that reads the file from S3 and writes its results to S3', async () => {
    const recipeId = await createRecipe('definition', { maxItems: 500, maxConcurrency: 3, batchSize: 25 });
    const { definition: asl, engine } = (await api('GET', `/v1/recipes/${recipeId}/definition`)).body!;
    expect(engine).toBe('STANDARD');
    const map = asl.States.Map_each_csv;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
      },
      ItemBatcher: { MaxItemsPerBatch: 25 },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } },
      MaxConcurrency: 3,
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' },
    });
    expect(asl.States.Map_each_json.ItemReader.ReaderConfig).toEqual({ InputType: 'JSON' });
    expect(asl.States.Map_each_jsonl.ItemReader.ReaderConfig).toEqual({ InputType: 'JSONL' });
  });

  it('runs each CSV row of an upload and writes one result line per row, in order, charged per row', async () => {
    const recipeId = await createRecipe('rows', { maxItems: 1000, batchSize: 40, maxConcurrency: 4 });
    const trigger = (await api('POST', '/v1/triggers', { recipeId, prefix: 'rows-' })).body!;
    const rows = Array.from({ length: 250 }, (_, i) =>
      i % 2 ? `lead${i}.example,${i}` : `"lead${i}.test, inc",${i}`,
    );
    const artifactId = await upload(
      'rows-1.csv',
      'text/csv',
      `domain,employees\n${rows.join('\n')}\n`,
      trigger.id,
    );
    let executionId: string | undefined;
    for (let i = 0; i < 100 && !executionId; i++) {
      executionId = (await api('GET', `/v1/artifacts/${artifactId}`)).body!.run?.executionId;
      if (!executionId) await sleep(100);
    }
    const run = await finished(executionId!);
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({
      artifact: { id: expect.stringMatching(/^art_/), contentType: 'application/x-ndjson' },
      items: 250,
      succeeded: 250,
      failed: 0,
    });
    const lines = await resultLines(run.output.artifact.id);
    expect(lines).toHaveLength(250);
    expect(lines.map((line) => line.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(lines[0]).toEqual({ index: 0, output: { score: 0, band: 'cold', matched: [] } });
    expect(lines[1]!.output).toMatchObject({ score: 10, band: 'warm' });
    // The run price, and each row's two steps.
    expect(run.creditsCharged).toBe(1 + 250 * 2);
    const map = run.steps.find((step: { stepId: string }) => step.stepId === 'each');
    expect(map).toMatchObject({
      status: 'succeeded',
      items: { total: 250, succeeded: 250, failed: 0, artifactId: run.output.artifact.id },
    });
    // The result is the tenant's artifact, produced by the run, and starts no trigger although its name could.
    const result = (await api('GET', `/v1/artifacts/${run.output.artifact.id}`)).body!;
    expect(result).toMatchObject({ status: 'uploaded', producedBy: { executionId: run.id, stepId: 'each' } });
    expect(result.run).toBeUndefined();
  });

  // 20,000 rows here, where every other suite shares the runtime; the 100,000-row run, through the same API, is
  // `npm run bench -- artifact-map` (it checks every line and the charge too).
  it('turns a 20,000-row CSV upload into a result artifact of 20,000 lines, charged per row', async () => {
    // A tenant of its own: the run reserves 1 + 2 × 20,000 credits.
    const own = apiClient(
      (await platform('POST', '/v1/tenants', { name: 'hundred thousand', plan: 'enterprise' })).body!.apiKey
        .key,
    );
    const recipe = await own('POST', '/v1/recipes', {
      name: 'every lead',
      steps: [
        {
          id: 'each',
          type: 'map',
          items: '{{input.artifact}}',
          maxItems: ROWS,
          batchSize: 250,
          maxConcurrency: 8,
          steps: rowSteps,
        },
      ],
    });
    const trigger = (await own('POST', '/v1/triggers', { recipeId: recipe.body!.id, prefix: 'big-' })).body!;
    const rows = Array.from({ length: ROWS }, (_, i) => `lead${i}.${i % 2 ? 'example' : 'test'},${i % 900}`);
    const artifactId = await uploadArtifact(own, {
      filename: 'big-leads.csv',
      contentType: 'text/csv',
      body: `domain,employees\n${rows.join('\n')}\n`,
      triggerId: trigger.id,
    });
    let run: { status?: string; output?: { artifact: { id: string } } } = {};
    for (let i = 0; i < 1200; i++) {
      const id = (await own('GET', `/v1/artifacts/${artifactId}`)).body!.run?.executionId;
      if (id) run = (await own('GET', `/v1/executions/${id}`)).body!;
      if (run.status && !['queued', 'running'].includes(run.status)) break;
      await sleep(100);
    }
    expect(run).toMatchObject({
      status: 'succeeded',
      output: { items: ROWS, succeeded: ROWS, failed: 0 },
      creditsCharged: 1 + ROWS * 2,
    });
    const { url } = (await own('GET', `/v1/artifacts/${run.output!.artifact.id}/download`)).body!;
    const lines = (await (await fetch(url)).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS);
    expect(JSON.parse(lines[ROWS - 1]!)).toEqual({
      index: ROWS - 1,
      output: { score: 10, band: 'warm', matched: [expect.anything()] },
    });
    expect(lines.every((line, i) => line.startsWith(`{"index":${i},`))).toBe(true);
  }, 180_000);

  it('shows its progress (items done, failed, total) on the run while it runs', async () => {
    // One item per batch, one batch at a time: long enough to be read half done.
    const rows = Array.from({ length: 300 }, (_, i) => `lead${i}.example,${i}`);
    const artifactId = await upload('slow.csv', 'text/csv', `domain,employees\n${rows.join('\n')}\n`);
    const recipeId = await createRecipe('progress', { maxItems: 300, batchSize: 1, maxConcurrency: 1 });
    const start = await api('POST', `/v1/recipes/${recipeId}/executions`, {
      input: { artifact: artifactId },
    });
    const seen: Array<{ status: string; items: { total: number; succeeded: number; failed: number } }> = [];
    for (let i = 0; i < 600; i++) {
      const run = (await api('GET', `/v1/executions/${start.body!.id}`)).body!;
      const map = run.steps.find((step: { stepId: string }) => step.stepId === 'each');
      if (map) seen.push({ status: map.status, items: map.items });
      if (!['queued', 'running'].includes(run.status)) break;
      await sleep(30);
    }
    const midway = seen.filter(
      (s) => s.status === 'running' && s.items.succeeded > 0 && s.items.succeeded < 300,
    );
    expect(midway.length).toBeGreaterThan(0);
    expect(midway[0]!.items).toMatchObject({ total: 300, failed: 0 });
    // Never going backwards, and ending with every item.
    const done = seen.map((s) => s.items.succeeded);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({
      status: 'succeeded',
      items: { total: 300, succeeded: 300, failed: 0 },
    });
  });

  it('cancelled while its items run: charged for the items done, the map ended with the run', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `lead${i}.example,${i}`);
    const artifactId = await upload('cancel.csv', 'text/csv', `domain,employees\n${rows.join('\n')}\n`);
    const recipeId = await createRecipe('cancelled', { maxItems: 300, batchSize: 1, maxConcurrency: 1 });
    const start = await api('POST', `/v1/recipes/${recipeId}/executions`, {
      input: { artifact: artifactId },
    });
    for (let i = 0; i < 300; i++) {
      const run = (await api('GET', `/v1/executions/${start.body!.id}`)).body!;
      if (run.steps.find((step: { stepId: string }) => step.stepId === 'each')?.items?.succeeded >= 5) break;
      await sleep(30);
    }
    expect((await api('POST', `/v1/executions/${start.body!.id}/cancel`)).status).toBe(200);
    const run = await finished(start.body!.id);
    expect(run.status).toBe('cancelled');
    const map = run.steps.find((step: { stepId: string }) => step.stepId === 'each');
    expect(map).toMatchObject({ status: 'failed', error: { type: 'RunEnded' } });
    // The run, and each item that ran its two steps by the time the cancel settled the run (never all 300).
    expect(run.creditsCharged).toBe(1 + 2 * map.itemSteps.fit);
    expect(map.itemSteps.fit).toBeGreaterThanOrEqual(5);
    expect(run.creditsCharged).toBeLessThan(run.creditsReserved);
  });

  it('keeps each failed item in the result and fails the map past the tolerated failures', async () => {
    // A JSON Lines file in which every fourth item has no list to filter: its transform fails.
    const items = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify(i % 4 ? { list: [i, i + 1] } : { list: 'x' }),
    );
    const artifactId = await upload('items.jsonl', 'application/x-ndjson', `${items.join('\n')}\n`);
    const steps = [
      { id: 'keep', type: 'transform', source: '{{item.list}}', ops: [{ op: 'limit', count: 1 }] },
    ];
    const make = async (name: string, tolerated: Record<string, number>) => {
      const response = await api('POST', '/v1/recipes', {
        name,
        steps: [
          {
            id: 'each',
            type: 'map',
            items: '{{input.artifact}}',
            maxItems: 40,
            batchSize: 7,
            steps,
            ...tolerated,
          },
        ],
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body!.id as string;
    };
    const tolerant = await make('tolerant', { toleratedFailurePercent: 25 });
    const strict = await make('strict', {});
    const start = async (recipeId: string) =>
      (await api('POST', `/v1/recipes/${recipeId}/executions`, { input: { artifact: artifactId } })).body!
        .id as string;

    const ok = await finished(await start(tolerant));
    expect(ok.status).toBe('succeeded');
    expect(ok.output).toMatchObject({ items: 40, succeeded: 30, failed: 10 });
    const lines = await resultLines(ok.output.artifact.id);
    expect(lines[0]).toEqual({
      index: 0,
      error: { step: 'keep', type: 'StepRejected', message: expect.stringContaining('needs an array') },
    });
    expect(lines[1]).toEqual({ index: 1, output: [1] });
    expect(ok.creditsCharged).toBe(1 + 40);

    const failed = await finished(await start(strict));
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({
      step: 'each',
      message: expect.stringContaining('10 of 40 items failed'),
    });
    const map = failed.steps.find((step: { stepId: string }) => step.stepId === 'each');
    expect(map).toMatchObject({ status: 'failed', items: { total: 40, succeeded: 30, failed: 10 } });
    // Every item ran and is charged; its errors are in the artifact the message names.
    expect(failed.creditsCharged).toBe(1 + 40);
    expect(await resultLines(map.items.artifactId)).toHaveLength(40);
  });

  it('maps over a list too large for the state (held by reference) as over a file; a small one inline', async () => {
    const recipeId = (
      await api('POST', '/v1/recipes', {
        name: 'rows of an upload',
        steps: [
          {
            id: 'each',
            type: 'map',
            items: '{{input.rows}}',
            maxItems: 2000,
            steps: [{ id: 'name', type: 'transform', source: '{{item.name}}', ops: [] }],
          },
        ],
      })
    ).body!.id as string;
    const trigger = (await api('POST', '/v1/triggers', { recipeId, prefix: 'list-' })).body!;
    const runOf = async (artifactId: string) => {
      for (let i = 0; i < 500; i++) {
        const id = (await api('GET', `/v1/artifacts/${artifactId}`)).body!.run?.executionId;
        if (id) return finished(id);
        await sleep(100);
      }
      throw new Error('no run');
    };
    // 1,500 rows of about 60 bytes: the rows travel by reference (over 32 KiB), so the map reads them from S3.
    const rows = Array.from({ length: 1500 }, (_, i) => ({ name: `lead ${i}`, note: 'x'.repeat(40) }));
    const large = await runOf(
      await upload('list-large.json', 'application/json', JSON.stringify(rows), trigger.id),
    );
    expect(large.status).toBe('succeeded');
    expect(large.output).toMatchObject({ items: 1500, succeeded: 1500, failed: 0 });
    const lines = await resultLines(large.output.artifact.id);
    expect(lines[1499]).toEqual({ index: 1499, output: 'lead 1499' });
    expect(large.creditsCharged).toBe(1 + 1500);
    // Two rows stay in the state: an inline Map, its output the list of the items' outputs.
    const small = await runOf(
      await upload('list-small.json', 'application/json', JSON.stringify(rows.slice(0, 2)), trigger.id),
    );
    expect(small).toMatchObject({ status: 'succeeded', output: ['lead 0', 'lead 1'], creditsCharged: 3 });
    // Room for one redelivery of an upload event (the uploads queue's 30-second visibility timeout).
  }, 90_000);

  it('refuses a file with more items than maxItems before any item runs', async () => {
    const artifactId = await upload('many.json', 'application/json', JSON.stringify([1, 2, 3, 4, 5]));
    const recipeId = await createRecipe('capped', { items: '{{input.leadsArtifact}}', maxItems: 4 });
    const start = await api('POST', `/v1/recipes/${recipeId}/executions`, {
      input: { leadsArtifact: { id: artifactId } },
    });
    expect(start.status).toBe(202);
    expect(start.body!.creditsReserved).toBe(1 + 4 * 2);
    const run = await finished(start.body!.id);
    expect(run).toMatchObject({
      status: 'failed',
      error: { step: 'each', message: expect.stringContaining("5 items, more than the map's maxItems (4)") },
    });
    expect(run.creditsCharged).toBe(1);
  });

  it("never reads another tenant's artifact", async () => {
    const other = apiClient(
      (await platform('POST', '/v1/tenants', { name: 'other', plan: 'enterprise' })).body!.apiKey.key,
    );
    const theirs = await uploadArtifact(other, {
      filename: 'x.json',
      contentType: 'application/json',
      body: '[1]',
    });
    const recipeId = await createRecipe('theirs', { maxItems: 10 });
    const start = await api('POST', `/v1/recipes/${recipeId}/executions`, {
      input: { artifact: theirs },
    });
    const run = await finished(start.body!.id);
    expect(run).toMatchObject({ status: 'failed', error: { message: `no artifact ${theirs}` } });
  });

  it('names the field when a map over an artifact cannot be saved', async () => {
    const artifactMap = (steps: unknown[]) => ({
      id: 'each',
      type: 'map',
      items: '{{input.artifact}}',
      steps,
    });
    const cases: Array<{ map: Record<string, unknown>; extra?: Record<string, unknown>; path: string }> = [
      {
        map: { id: 'each', type: 'map', items: '{{input.list}}', maxItems: 20_000, steps: rowSteps },
        path: 'steps[0].maxItems',
      },
      {
        map: {
          id: 'each',
          type: 'map',
          items: '{{input.list}}',
          toleratedFailurePercent: 5,
          steps: rowSteps,
        },
        path: 'steps[0].toleratedFailurePercent',
      },
      {
        map: artifactMap([
          { id: 'a', type: 'http', url: 'https://example.com/a' },
          { id: 'b', type: 'http', url: 'https://example.com/b' },
        ]),
        path: 'steps[0].steps[1].type',
      },
      {
        map: artifactMap([{ ...rowSteps[0], onError: { goto: 'fit' } }, rowSteps[1]]),
        path: 'steps[0].steps[0].onError',
      },
      { map: artifactMap(rowSteps), extra: { mode: 'express' }, path: 'steps[0].items' },
    ];
    for (const { map, extra, path } of cases) {
      const saved = await api('POST', '/v1/recipes', { name: 'bad', steps: [map], ...extra });
      expect(saved.status, path).toBe(422);
      expect(saved.body!.errors).toContainEqual(expect.objectContaining({ path }));
    }
  });
});
