// Per Lambda: esbuild bundle size and module-init time in a fresh Node 24 process (median of 10), with the AWS
// SDK left to the runtime (NodejsFunction's default) and bundled (`bundleAwsSDK`), beside a baseline handler
// that only imports the DynamoDB client. Same esbuild options as the CDK stacks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../infra/stacks/bundling';
import { apiHandlers, componentFunctions } from '../shared/api/routes';
import { functionSettings as platformSettings } from '../shared/function-settings';
import { handlerModule, stepFunctionSettings } from '../shared/steps/registry';
import { percentile, writeResult } from './support';

const functionSettings = { ...platformSettings, ...stepFunctionSettings };

const RUNS = 10;
const entries: Record<string, string> = {
  ...Object.fromEntries(apiHandlers.map((h) => [`api-${h}`, `functions/api/${h}.ts`])),
  ...Object.fromEntries(componentFunctions.map((c) => [`component-${c}`, handlerModule(`components/${c}`)])),
  authorizer: 'functions/authorizer/authorizer.ts',
  ...Object.fromEntries(
    readdirSync('functions/triggers')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f.replace(/\.ts$/, ''), `functions/triggers/${f}`]),
  ),
};
// Inside the project so the runtime-provided SDK resolves from node_modules, as /var/runtime does on Lambda.
const out = mkdtempSync(path.resolve('bench/.bundles-'));
const baselineEntry = path.join(out, 'baseline.ts');
writeFileSync(
  baselineEntry,
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => new DynamoDBClient({}).config.serviceId;\n",
);

async function bundle(name: string, entry: string, bundleSdk: boolean): Promise<string> {
  const file = path.join(out, bundleSdk ? 'bundled' : 'runtime', name, 'index.mjs');
  mkdirSync(path.dirname(file), { recursive: true });
  await build({
    ...esbuildOptions,
    entryPoints: [entry],
    outfile: file,
    external: bundleSdk ? [] : ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return file;
}

const CLOUD_ENVIRONMENT = {
  RECIPEFLOW_RUNTIME: 'cloud',
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench-table',
  ...Object.fromEntries(
    Object.values(functionSettings)
      .flat()
      .map((name) => [name, `bench-${name.toLowerCase()}`]),
  ),
};

function initMs(file: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const output = execFileSync(
      path.resolve('node_modules/.bin/node'),
      [
        '-e',
        `const t=performance.now();import(${JSON.stringify(file)}).then(()=>console.log(performance.now()-t))`,
      ],
      // As deployed: the cloud runtime, with every setting a function checks at cold start.
      { encoding: 'utf8', env: { ...process.env, ...CLOUD_ENVIRONMENT } },
    );
    samples.push(Number(output.trim()));
  }
  return percentile(samples, 50);
}

try {
  const rows: Array<{
    sdk: string;
    function: string;
    kb: number;
    initMs: number;
    baselineMs: number;
    ratio: number;
  }> = [];
  for (const bundleSdk of [false, true]) {
    const baselineFile = await bundle('baseline', baselineEntry, bundleSdk);
    const baseline = initMs(baselineFile);
    for (const [name, entry] of Object.entries(entries)) {
      const file = await bundle(name, entry, bundleSdk);
      const init = initMs(file);
      rows.push({
        sdk: bundleSdk ? 'bundled' : 'runtime',
        function: name,
        kb: +(statSync(file).size / 1024).toFixed(1),
        initMs: +init.toFixed(1),
        baselineMs: +baseline.toFixed(1),
        ratio: +(init / baseline).toFixed(2),
      });
    }
  }
  console.log(
    '\nBundle size and module init (median of 10 fresh Node 24 processes; targets: ≤ 250 KB, ≤ 1.5× baseline):',
  );
  console.table(rows);
  const summary = ['runtime', 'bundled'].map((sdk) => {
    const of = rows.filter((r) => r.sdk === sdk);
    return {
      sdk,
      medianInitMs: percentile(
        of.map((r) => r.initMs),
        50,
      ),
      maxKb: Math.max(...of.map((r) => r.kb)),
      overBudgetKb: of.filter((r) => r.kb > 250).length,
      overInitRatio: of.filter((r) => r.ratio > 1.5).length,
    };
  });
  console.table(summary);
  writeResult('bundles', { rows, summary });
} finally {
  rmSync(out, { recursive: true, force: true });
}
