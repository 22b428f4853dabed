// How every Lambda is bundled: the CDK stacks, the bundle benchmark and the byte-budget test use these
// options, so what is measured and held is what is deployed.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { apiHandlers, componentFunctions } from '../../shared/api/routes';
import { onDemandModules } from '../../shared/on-demand';
import { handlerModule } from '../../shared/steps/registry';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The SDK's default credential chain replaced by the environment provider Lambda needs, and node:http
 * required instead of imported, which keeps undici out of every cold start (see each module).
 */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': path.join(projectRoot, 'shared/clients/lambda-credentials.ts'),
  'node:http': path.join(projectRoot, 'shared/clients/node-http.ts'),
  http: path.join(projectRoot, 'shared/clients/node-http.ts'),
};

/** Some dependencies are CommonJS and call require(); the ESM bundle gives them one. */
export const requireBanner = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/**
 * Packages a function requires on first use (shared/on-demand.ts, which lists them): left out of the bundle and
 * shipped beside it, minified into one CommonJS file under `node_modules/<name>/`, where that require finds it.
 */
export { onDemandModules };

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
    // Where Node's require(name) looks: the file itself, or a package's index.js.
    outfile: path.join(outDir, 'node_modules', name.endsWith('.js') ? name : `${name}/index.js`),
    logLevel: 'silent',
  };
}

/**
 * The shell commands NodejsFunction runs after bundling: each on-demand package the bundle requires (its name
 * appears in it, as the argument of that require), built beside it; a function that never requires one
 * ships without it.
 */
export function onDemandCommands(outputDir: string): string[] {
  return onDemandModules.map((name) => {
    // The same build as onDemandOptions, through esbuild's command line.
    const { entryPoints, outfile, platform, format, target } = onDemandOptions(name, outputDir) as Required<
      Pick<BuildOptions, 'outfile' | 'platform' | 'format' | 'target'>
    > & { entryPoints: string[] };
    const esbuild = path.join(projectRoot, 'node_modules/.bin/esbuild');
    const build = `${esbuild} ${entryPoints[0]} --bundle --minify --platform=${platform} --format=${format} --target=${target} --log-level=warning --outfile=${outfile}`;
    return `if grep -qF '"${name}"' ${path.join(outputDir, 'index.mjs')}; then ${build}; fi`;
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
 * Functions still above the target, each held at its measured size (2026-11-26, after the step functions lost
 * zod, and re2js and Ajv became on-demand) rounded up to the next 10 KB, with what keeps it there. Nothing may
 * grow; lower a figure when a function shrinks.
 * - zod (~95 KB): request bodies and recipes are checked with the zod schemas the OpenAPI document is made from.
 * - the S3 client (~130 KB with its middleware): payloads and outputs too large for the state, artifacts.
 * - the openai SDK (387 KB): the ai step's protocol; SES, SNS and KMS clients: the correspond step's.
 * re2js (147 KB), Ajv (~135 KB) and nodemailer (271 KB) are in none of them: they are required on first use
 * (onDemandModules).
 */
export const bundleBudgetsKb: Record<string, number> = {
  'api-executions': 640,
  'api-artifacts': 560,
  'api-steps': 650,
  'component-ai': 950,
  'component-correspond': 570,
  'execution-status': 580,
};
