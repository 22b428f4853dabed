// How every Lambda is bundled: the CDK stacks, the bundle benchmark and the byte-budget test use these
// options, so what is measured and held is what is deployed.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type BuildOptions, type BuildResult, build, type Metafile } from 'esbuild';
import { apiHandlers, componentFunctions } from '../../shared/api/routes';
import { onDemandModules } from '../../shared/on-demand';
import { handlerModule } from '../../shared/steps/registry';
import { withLazySdkCopies } from './lazy-chunks';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The SDK's default credential chain replaced by the environment provider Lambda needs, and node:http
 * required instead of imported, which keeps undici out of every cold start (see each module).
 */
const bundleAliases = {
  '@aws-sdk/credential-provider-node': path.join(projectRoot, 'shared/clients/lambda-credentials.ts'),
  'node:http': path.join(projectRoot, 'shared/clients/node-http.ts'),
  http: path.join(projectRoot, 'shared/clients/node-http.ts'),
};

/** Some dependencies are CommonJS and call require(); the ESM bundle gives them one. */
const requireBanner = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/**
 * Packages a function requires on first use (shared/on-demand.ts, which lists them): left out of the bundle and
 * shipped beside it, minified into one CommonJS file under `node_modules/<name>/`, where that require finds it.
 */
export { onDemandModules };

/** esbuild's options every function is built with (the AWS SDK bundled, minified); see functionBuild. */
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

/**
 * esbuild's options for one function's code in `outDir`: `index.mjs` (the handler) and, since the build splits at
 * each dynamic `import()`, `chunks/*.mjs`: the code a function loads only when a request needs it (the S3 SDK,
 * shared/clients/s3.ts) is a chunk of its own, and code both sides use is a chunk `index.mjs` imports. Lambda
 * loads them as Node does, relative to the handler.
 */
export function functionBuild(entry: string, outDir: string): BuildOptions {
  return {
    ...esbuildOptions,
    absWorkingDir: projectRoot,
    entryPoints: { index: path.resolve(projectRoot, entry) },
    outdir: outDir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  };
}

/**
 * Builds one function as deployed: functionBuild's options (with `overrides`), and the lazy side's SDK modules
 * kept out of the start-up (./lazy-chunks.ts). esbuild runs plugins only in its asynchronous API: the stacks'
 * synchronous bundling calls this through ./build-function.ts.
 */
export async function buildFunction<T extends BuildOptions>(
  entry: string,
  outDir: string,
  overrides?: T,
): Promise<BuildResult<T>> {
  const options = await withLazySdkCopies({ ...functionBuild(entry, outDir), ...overrides });
  return (await build(options)) as BuildResult<T>;
}

/**
 * A function's output files split in two: what a cold start loads (`index.mjs` and the chunks it imports
 * statically, transitively) and what only a dynamic import loads, later, with each file's bytes.
 */
export function outputFiles(metafile: Metafile): {
  startup: Array<{ file: string; bytes: number }>;
  lazy: Array<{ file: string; bytes: number }>;
} {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const index = outputs.find(([file]) => path.basename(file) === 'index.mjs')?.[0];
  const startup = new Set<string>();
  const visit = (file: string) => {
    if (startup.has(file)) return;
    startup.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  if (index) visit(index);
  const row = ([file, output]: [string, { bytes: number }]) => ({ file, bytes: output.bytes });
  return {
    startup: outputs.filter(([file]) => startup.has(file)).map(row),
    lazy: outputs.filter(([file]) => !startup.has(file)).map(row),
  };
}

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
 * The shell commands run after a function is built: each on-demand package its code requires (its name appears
 * in one of its files, as the argument of that require), built beside it; a function that never requires one
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
    return `if grep -rqF --include='*.mjs' '"${name}"' ${outputDir}; then ${build}; fi`;
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

/** What every function's cold start may load (index.mjs and the chunks it imports), minified, SDK bundled. */
export const BUNDLE_TARGET_KB = 500;

/**
 * Functions allowed above the target, each held at its measured size rounded up to the next 10 KB, with what
 * keeps it there; nothing may grow. None today (2026-11-26): every schema is zod/mini, the compiler reads step
 * types without their schemas, and what a request needs only sometimes (the S3 and Step Functions SDKs, the ai
 * providers' and the correspond channels' clients) is a chunk loaded on first use; re2js, Ajv and nodemailer are
 * required on first use (onDemandModules).
 */
export const bundleBudgetsKb: Record<string, number> = {};
