// How every Lambda is bundled: the CDK stacks, the bundle benchmark and the byte-budget test use these
// options, so what is measured and held is what is deployed.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { apiHandlers, componentFunctions } from '../../shared/api/routes';
import { handlerModule } from '../../shared/steps/registry';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

/** The SDK's default credential chain replaced by the environment provider Lambda needs (see the module). */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': path.join(projectRoot, 'shared/clients/lambda-credentials.ts'),
};

/** Some dependencies are CommonJS and call require(); the ESM bundle gives them one. */
export const requireBanner = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/**
 * Packages a function requires only on first use, not at cold start (`createRequire(import.meta.url)(name)`):
 * left out of the bundle and shipped beside it, minified into one CommonJS file under `node_modules/<name>/`,
 * where that require finds it. re2js: the pattern language of `matches` conditions, which few recipes use.
 */
export const onDemandModules = ['re2js'] as const;

/** esbuild's options for one function, as NodejsFunction passes them (the AWS SDK bundled, minified). */
export const esbuildOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  alias: bundleAliases,
  banner: { js: requireBanner },
  external: [...onDemandModules],
};

/** esbuild's options for an on-demand package's file (what `require(name)` loads in the function). */
export function onDemandOptions(name: string, outDir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    absWorkingDir: projectRoot,
    entryPoints: [createRequire(path.join(projectRoot, 'package.json')).resolve(name)],
    outfile: path.join(outDir, 'node_modules', name, 'index.js'),
    logLevel: 'silent',
  };
}

/** The shell commands NodejsFunction runs after bundling: each on-demand package, built beside the bundle. */
export function onDemandCommands(outputDir: string): string[] {
  return onDemandModules.map((name) => {
    const { entryPoints, outfile } = onDemandOptions(name, outputDir) as {
      entryPoints: string[];
      outfile: string;
    };
    return `${path.join(projectRoot, 'node_modules/.bin/esbuild')} ${entryPoints[0]} --bundle --platform=node --format=cjs --target=node24 --minify --log-level=warning --outfile=${outfile}`;
  });
}

/** Every Lambda function's entry module (from the project root), by a short name. */
export function lambdaEntries(): Record<string, string> {
  const triggers = readdirSync(path.join(projectRoot, 'functions/triggers')).filter((f) => f.endsWith('.ts'));
  return {
    ...Object.fromEntries(apiHandlers.map((h) => [`api-${h}`, `functions/api/${h}.ts`])),
    ...Object.fromEntries(
      componentFunctions.map((c) => [`component-${c}`, handlerModule(`components/${c}`)]),
    ),
    authorizer: 'functions/authorizer/authorizer.ts',
    bootstrap: 'functions/platform/bootstrap.ts',
    ...Object.fromEntries(triggers.map((f) => [f.replace(/\.ts$/, ''), `functions/triggers/${f}`])),
  };
}

/** The size every function should stay within, minified with the AWS SDK bundled. */
export const BUNDLE_TARGET_KB = 500;

/**
 * Functions still above the target, each held at its measured size (2026-11-26) rounded up to the next 10 KB,
 * with what keeps it there. Nothing may grow; lower a figure when a function shrinks.
 * - re2js (147 KB): the pattern language of conditions and transforms, reached through the step registry
 *   (schemas, prices) by everything that validates, prices or runs a step. Settling a run does not reach it
 *   (credits/price-list.ts charges by the run's own price list).
 * - the S3 client (~130 KB with its middleware): payloads and outputs too large for the state, artifacts.
 * - Ajv (~145 KB with formats): a tenant's JSON Schemas (recipe input, ai output) are only known at run time.
 * - the openai SDK (387 KB) and nodemailer (238 KB): the ai and correspond steps' protocols.
 */
export const bundleBudgetsKb: Record<string, number> = {
  'api-openapi': 1161, // +0.02 KB: the router split from the authenticated endpoint
  'api-tenants': 741, // +0.2 KB: recipe validation knows maps over artifacts
  'api-credits': 550,
  'api-recipes': 740,
  'api-executions': 920,
  'api-artifacts': 870,
  'api-schedules': 762, // +1 KB: recipe validation knows maps over artifacts
  'api-triggers': 700,
  'api-steps': 800,
  'component-http': 734, // +2 KB (and every component): runs a map's batch of items
  'component-ai': 1346,
  'component-transform': 695, // +0.3 KB (and score, state, finalize): settling ends a map still running
  'component-score': 695,
  'component-state': 695,
  'component-correspond': 1065,
  'component-review': 520,
  'component-finalize': 695, // +4 KB: runs a map's batch of items when its steps are all fusable
  'execution-status': 870, // +1 KB: the sweep admits queued runs
  schedule: 700, // +0.03 KB: starts past the limit are queued
  upload: 873, // +2 KB: recipe validation knows maps over artifacts; a produced file starts nothing
};
