// Per Lambda: the size of what its cold start loads (index.mjs and the chunks it imports; the chunks only a
// dynamic import loads are shown apart) and its module-init time in a fresh Node 24 process, each run paired
// with a run of the baseline (a handler that only imports the DynamoDB client), with the AWS SDK left to the
// runtime and bundled (as deployed). Same esbuild options as the CDK stacks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUNDLE_TARGET_KB,
  buildFunction,
  esbuildOptions,
  lambdaEntries,
  outputFiles,
} from '../infra/stacks/bundling';
import { functionSettings as platformSettings } from '../shared/function-settings';
import { stepFunctionSettings } from '../shared/steps/registry';
import { atMost, percentile, printTargets, writeResult } from './support';

const functionSettings = { ...platformSettings, ...stepFunctionSettings };

/**
 * Back-to-back pairs per function: with the SDK bundled (what is deployed, and what the target holds) 25, since a
 * function measured 1.29x and 1.53x in two runs of 15 on this VM; with the runtime's SDK (shown for comparison) 9.
 */
const RUNS = { bundled: 25, runtime: 9 } as const;
const INIT_RATIO_TARGET = 1.5;
const entries = lambdaEntries();
// Inside the project so the runtime-provided SDK resolves from node_modules, as /var/runtime does on Lambda.
const out = mkdtempSync(path.resolve('bench/.bundles-'));
const baselineEntry = path.join(out, 'baseline.ts');
writeFileSync(
  baselineEntry,
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => new DynamoDBClient({}).config.serviceId;\n",
);

async function bundle(
  name: string,
  entry: string,
  bundleSdk: boolean,
): Promise<{ file: string; startupKb: number; lazyKb: number }> {
  const dir = path.join(out, bundleSdk ? 'bundled' : 'runtime', name);
  mkdirSync(dir, { recursive: true });
  const { metafile } = await buildFunction(entry, dir, {
    external: bundleSdk ? esbuildOptions.external : [...esbuildOptions.external!, '@aws-sdk/*'],
    metafile: true,
    logLevel: 'silent',
  });
  const { startup, lazy } = outputFiles(metafile);
  const kb = (files: Array<{ bytes: number }>) =>
    +(files.reduce((sum, f) => sum + f.bytes, 0) / 1024).toFixed(1);
  return { file: path.join(dir, 'index.mjs'), startupKb: kb(startup), lazyKb: kb(lazy) };
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

function initOnce(file: string): number {
  const output = execFileSync(
    path.resolve('node_modules/.bin/node'),
    [
      '-e',
      `const t=performance.now();import(${JSON.stringify(file)}).then(()=>console.log(performance.now()-t))`,
    ],
    // As deployed: the cloud runtime, with every setting a function checks at cold start.
    { encoding: 'utf8', env: { ...process.env, ...CLOUD_ENVIRONMENT } },
  );
  return Number(output.trim());
}

/**
 * Module init of a function and of the baseline, `runs` pairs measured back to back: the medians of each, and the
 * median of the pairs' ratios, so that a slower moment of the machine weighs on both sides of a ratio.
 */
function initMs(
  file: string,
  baselineFile: string,
  runs: number,
): { init: number; baseline: number; ratio: number } {
  const samples: number[] = [];
  const baselines: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    baselines.push(initOnce(baselineFile));
    samples.push(initOnce(file));
    ratios.push(samples.at(-1)! / baselines.at(-1)!);
  }
  return {
    init: percentile(samples, 50),
    baseline: percentile(baselines, 50),
    ratio: percentile(ratios, 50),
  };
}

try {
  const rows: Array<{
    sdk: string;
    function: string;
    kb: number;
    lazyKb: number;
    initMs: number;
    baselineMs: number;
    ratio: number;
  }> = [];
  for (const bundleSdk of [false, true]) {
    const baselineFile = (await bundle('baseline', baselineEntry, bundleSdk)).file;
    for (const [name, entry] of Object.entries(entries)) {
      const { file, startupKb, lazyKb } = await bundle(name, entry, bundleSdk);
      const { init, baseline, ratio } = initMs(file, baselineFile, RUNS[bundleSdk ? 'bundled' : 'runtime']);
      rows.push({
        sdk: bundleSdk ? 'bundled' : 'runtime',
        function: name,
        kb: startupKb,
        lazyKb,
        initMs: +init.toFixed(1),
        baselineMs: +baseline.toFixed(1),
        ratio: +ratio.toFixed(2),
      });
    }
  }
  console.log(
    `\nStart-up size (kb: index.mjs and the chunks it imports; lazyKb: chunks loaded on first use) and module init (median of ${RUNS.bundled} fresh Node 24 processes, ${RUNS.runtime} with the runtime's SDK; ratio: the median of as many back-to-back pairs with the baseline):`,
  );
  console.table(
    rows.map((r) => ({
      ...r,
      // Targets hold for what is deployed: the SDK bundled.
      size: r.sdk === 'bundled' ? (r.kb <= BUNDLE_TARGET_KB ? '✔' : '✘') : '',
      init: r.sdk === 'bundled' ? (r.ratio <= INIT_RATIO_TARGET ? '✔' : '✘') : '',
    })),
  );
  const summary = ['runtime', 'bundled'].map((sdk) => {
    const of = rows.filter((r) => r.sdk === sdk);
    return {
      sdk,
      medianInitMs: percentile(
        of.map((r) => r.initMs),
        50,
      ),
      maxKb: Math.max(...of.map((r) => r.kb)),
      overTargetKb: of.filter((r) => r.kb > BUNDLE_TARGET_KB).length,
      overInitRatio: of.filter((r) => r.ratio > INIT_RATIO_TARGET).length,
    };
  });
  console.table(summary);
  const bundled = rows.filter((r) => r.sdk === 'bundled');
  printTargets([
    atMost(`functions over ${BUNDLE_TARGET_KB} KB (of ${bundled.length})`, summary[1]!.overTargetKb, 0),
    atMost(`functions over ${INIT_RATIO_TARGET}× the baseline's init`, summary[1]!.overInitRatio, 0),
    atMost('largest function, KB', summary[1]!.maxKb, BUNDLE_TARGET_KB),
  ]);
  writeResult('bundles', { rows, summary });
} finally {
  rmSync(out, { recursive: true, force: true });
}
