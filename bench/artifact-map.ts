// A map over a large upload, through the HTTP API of the local runtime as a user would: a 100,000-row CSV is
// uploaded (presigned PUT) to a trigger whose recipe maps over `{{input.artifact}}` with a fused `transform` and
// `score` per row. Reported: local wall time from the upload to the run's end, the result artifact's lines, the
// credits charged, and the cost per 1M rows on AWS from what the run did.
// Cost model (prices: bench/prices.ts): Lambda invocations and GB-seconds as measured here at the deployed
// 512 MB; DynamoDB write and read units as DynamoDB Local reports them for every call the functions made; S3
// requests counted by a middleware on the functions' client plus the Distributed Map's own (ItemReader one GET
// per file, ResultWriter one PUT per results file and the manifest); Step Functions: the parent's billed
// transitions (from the emulator), one transition per child execution the Map Run starts (assumed: the pricing
// page does not say it separately), and each Express child's request and duration (its batch's Lambda time,
// rounded up to 100 ms, at 64 MB).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { invocations } from '../infra/local/runtime';
import { s3Of } from '../shared/clients/s3';
import { getDeps } from '../shared/deps';
import { prices } from './prices';
import { apiCaller, atMost, printTargets, withRuntime, writeResult } from './support';

const ROWS = Number(process.env.MAP_ROWS ?? 100_000);
const BATCH = 100;
const LAMBDA_GB = 0.5;
const counters = { rru: 0, wru: 0, s3Put: 0, s3Get: 0 };

await withRuntime(async (runtime) => {
  const platform = apiCaller(runtime.baseUrl, runtime.keys.platformAdminKey);
  const tenant = await platform('POST', '/v1/tenants', { name: 'rows', plan: 'enterprise' });
  await platform('POST', '/v1/credits/grants', {
    tenantId: tenant.tenant.id,
    amount: ROWS * 3,
    reason: 'bench',
  });
  const api = apiCaller(runtime.baseUrl, tenant.apiKey.key);
  const recipe = await api('POST', '/v1/recipes', {
    name: 'score every lead',
    steps: [
      {
        id: 'each',
        type: 'map',
        items: '{{input.artifact}}',
        maxItems: ROWS,
        maxConcurrency: 8,
        batchSize: BATCH,
        steps: [
          {
            id: 'shape',
            type: 'transform',
            source: { domain: '{{item.domain}}', employees: '{{item.employees}}' },
            ops: [],
          },
          {
            id: 'fit',
            type: 'score',
            rules: [
              { when: { path: 'steps.shape.output.domain', op: 'matches', value: '\\.io$' }, points: 10 },
              { when: { path: 'item.country', op: 'eq', value: 'DE' }, points: 5 },
            ],
            bands: [
              { min: 0, label: 'cold' },
              { min: 10, label: 'warm' },
              { min: 15, label: 'hot' },
            ],
          },
        ],
      },
    ],
  });
  const trigger = await api('POST', '/v1/triggers', { recipeId: recipe.id, prefix: 'leads-' });
  const lines = ['domain,employees,country'];
  for (let i = 0; i < ROWS; i++)
    lines.push(`lead${i}.${i % 3 ? 'com' : 'io'},${i % 500},${i % 4 ? 'US' : 'DE'}`);
  const csv = `${lines.join('\n')}\n`;

  // Count what the functions do from here on (they share this process's clients).
  const deps = getDeps();
  deps.db.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = [
        (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? [],
      ].flat() as Array<{
        CapacityUnits?: number;
      }>;
      const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (/^(Get|Query|BatchGet|Scan)/.test(context.commandName ?? '')) counters.rru += units;
      else counters.wru += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacity' },
  );
  (await s3Of(deps)).client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(Get|Head)/.test(context.commandName ?? '')) counters.s3Get += 1;
      else counters.s3Put += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchS3' },
  );
  invocations.length = 0;

  const t0 = performance.now();
  const artifact = await api('POST', '/v1/artifacts', {
    filename: 'leads-100k.csv',
    contentType: 'text/csv',
    size: Buffer.byteLength(csv),
    triggerId: trigger.id,
  });
  const put = await fetch(artifact.upload.url, {
    method: 'PUT',
    headers: artifact.upload.headers,
    body: csv,
  });
  if (put.status !== 200) throw new Error(`upload: ${put.status}`);
  let executionId: string | undefined;
  while (!executionId) {
    executionId = (await api('GET', `/v1/artifacts/${artifact.id}`)).run?.executionId;
    if (!executionId) await sleep(50);
  }
  let run: Record<string, any>;
  let lastProgress = '';
  for (;;) {
    run = await api('GET', `/v1/executions/${executionId}`);
    const map = run.steps?.find((step: { stepId: string }) => step.stepId === 'each');
    const progress = map?.items ? `${map.items.succeeded + map.items.failed}/${map.items.total}` : '';
    if (progress && progress !== lastProgress) {
      lastProgress = progress;
      process.stdout.write(`\r  items done: ${progress}   `);
    }
    if (!['queued', 'running'].includes(run.status)) break;
    await sleep(500);
  }
  const wallMs = performance.now() - t0;
  console.log();
  if (run.status !== 'succeeded')
    throw new Error(`the run ended ${run.status}: ${JSON.stringify(run.error)}`);
  const download = await api('GET', `/v1/artifacts/${run.output.artifact.id}/download`);
  const text = await (await fetch(download.url)).text();
  const resultLines = text.trimEnd().split('\n');
  const inOrder = resultLines.every((line, i) => JSON.parse(line).index === i);

  // The cost of this run, then per 1M rows.
  const batches = Math.ceil(ROWS / BATCH);
  const lambdaMs = invocations.reduce((sum, i) => sum + i.ms, 0);
  const batchCalls = invocations.length;
  // Each child execution lasts about as long as its batch's invocation, billed by the started 100 ms.
  const childMs = batches * Math.ceil(lambdaMs / batchCalls / 100) * 100;
  const parentTransitions = runtime.transitions(run.executionArn ?? '') ?? 6;
  const costs = {
    stepFunctions:
      (parentTransitions + batches) * prices.stepFunctions.standardPerTransition +
      batches * prices.stepFunctions.expressPerRequest +
      (childMs / 1000) * 0.0625 * prices.stepFunctions.expressPerGbSecond,
    lambda:
      batchCalls * prices.lambda.perRequest + (lambdaMs / 1000) * LAMBDA_GB * prices.lambda.perGbSecondArm,
    dynamodb:
      counters.wru * prices.dynamodb.perWriteRequestUnit + counters.rru * prices.dynamodb.perReadRequestUnit,
    s3: (counters.s3Put + 4) * prices.s3.perPut + (counters.s3Get + 1) * prices.s3.perGet,
  };
  const total = Object.values(costs).reduce((sum, c) => sum + c, 0);
  const perMillionRows = (dollars: number) => +((dollars * 1_000_000) / ROWS).toFixed(2);
  const figures = {
    rows: ROWS,
    wallSeconds: +(wallMs / 1000).toFixed(1),
    rowsPerSecond: Math.round(ROWS / (wallMs / 1000)),
    resultLines: resultLines.length,
    inOrder,
    creditsCharged: run.creditsCharged,
    expectedCharge: 1 + ROWS * 2,
    batches,
    lambdaInvocations: batchCalls,
    lambdaSeconds: +(lambdaMs / 1000).toFixed(1),
    parentTransitions,
    writeUnits: counters.wru,
    readUnits: counters.rru,
    s3Requests: counters.s3Put + counters.s3Get + 5,
  };
  const cost = Object.fromEntries(
    Object.entries({ ...costs, total }).map(([part, dollars]) => [part, perMillionRows(dollars)]),
  );
  console.log(`\n${ROWS} rows, one CSV upload → transform + score per row → result artifact:`);
  console.table([figures]);
  console.log('\nCost per 1M rows on AWS, $:');
  console.table([cost]);
  const targets = [
    atMost('result lines missing', ROWS - resultLines.length, 0),
    atMost('credits charged beyond 1 + 2 per row', Math.abs(run.creditsCharged - (1 + ROWS * 2)), 0),
  ];
  printTargets(targets);
  writeResult('artifact-map', { figures, costPerMillionRows: cost, targets });
});
