// Keeps what a function loads on first use (its dynamic imports: the S3, Step Functions, Lambda and channel SDKs)
// from growing its cold start. esbuild splits at file granularity and follows every import record of a file it
// reaches (evanw/esbuild#2869, #3531): when the start-up and a lazy chunk both import an SDK barrel (the
// `index.js` of `@aws-sdk/core/protocols`, `@smithy/core/serde`, …), every file the barrel re-exports that the
// lazy side uses lands in a chunk the start-up imports — the S3 SDK put ~40 KB of XML protocol code into the
// cold start of every function that only might reach S3.
//
// So a function is built twice: first without its dynamic imports, which gives the SDK modules the cold start
// really needs; then split, with the lazy side importing its own copy (another esbuild namespace) of every SDK
// module outside that set, barrels included. The start-up's modules are shared as before; the copies go only
// into lazy chunks.
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BuildOptions,
  build,
  type Loader,
  type OnResolveArgs,
  type OnResolveResult,
  type Plugin,
} from 'esbuild';

/**
 * The SDK's packages, safe to load twice (once for the start-up, once for a lazy chunk): each client registers its
 * own schemas, errors are told apart by name, and the invoke store lives on globalThis.awslambda.
 */
const SDK_MODULE = /\/node_modules\/@(aws-sdk|smithy|aws)\//;
const SDK_PACKAGE = /^@(aws-sdk|smithy|aws)\//;
const LAZY = 'lazy-sdk';

interface StartupGraph {
  /** Every module the entry imports statically, transitively (absolute paths). */
  reached: Set<string>;
  /** Those of them that put code into the cold start, and import only such modules: what the lazy side shares. */
  loaded: Set<string>;
}

/** What a function's cold start reaches and loads: the same build without its dynamic imports. */
async function startupGraph(options: BuildOptions): Promise<StartupGraph> {
  const root = options.absWorkingDir ?? process.cwd();
  const { metafile } = await build({
    ...options,
    splitting: false,
    outdir: undefined,
    outfile: path.join(root, 'startup.mjs'),
    write: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'no-dynamic-imports',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  const reached = new Set(Object.keys(metafile.inputs).map((input) => path.resolve(root, input)));
  const loaded = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      if (bytesInOutput > 0) loaded.add(input);
  // A module the lazy side shares must import only shared modules: through a shared barrel that also re-exports
  // what the start-up does not load (`@smithy/core/serde` and its stream helpers), the lazy side would make
  // those live, and esbuild would put them in a chunk the start-up imports. Drop such modules until none is left.
  for (let changed = true; changed; ) {
    changed = false;
    for (const input of loaded) {
      const imports = metafile.inputs[input]?.imports ?? [];
      if (imports.some((i) => !i.external && i.kind !== 'dynamic-import' && !loaded.has(i.path))) {
        loaded.delete(input);
        changed = true;
      }
    }
  }
  return { reached, loaded: new Set([...loaded].map((input) => path.resolve(root, input))) };
}

/** A relative import of an SDK module, resolved as esbuild would (extensionless, or a folder's index.js). */
function relativeModule(dir: string, specifier: string): { path: string; sideEffects?: boolean } | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(dir, specifier);
  const file = [base, `${base}.js`, `${base}.mjs`, `${base}.json`, path.join(base, 'index.js')].find((f) =>
    statSync(f, { throwIfNoEntry: false })?.isFile(),
  );
  if (!file || !SDK_MODULE.test(file)) return undefined;
  return { path: file, sideEffects: declaresSideEffects(file) };
}

const packageSideEffects = new Map<string, boolean | string[] | undefined>();

/** The folder of the SDK package holding `file` (`…/node_modules/@smithy/core`), if it is in one. */
function packageRoot(file: string): string | undefined {
  const at = file.lastIndexOf('/node_modules/') + '/node_modules/'.length;
  if (at < '/node_modules/'.length || !SDK_MODULE.test(file)) return undefined;
  return file.slice(0, at) + file.slice(at).split('/').slice(0, 2).join('/');
}

/** The `sideEffects` of the package holding `file` (false, a list of files, or unsaid), for tree shaking. */
function declaresSideEffects(file: string): boolean | undefined {
  const root = packageRoot(file)!;
  if (!packageSideEffects.has(root))
    packageSideEffects.set(
      root,
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).sideEffects,
    );
  const sideEffects = packageSideEffects.get(root);
  if (Array.isArray(sideEffects))
    return sideEffects.some((listed) => path.resolve(root, listed) === file) ? undefined : false;
  return sideEffects === false ? false : undefined;
}

/** Copies are SDK modules: JavaScript and the odd package.json. */
const loaders: Record<string, Loader> = {
  '.json': 'json',
  '.mjs': 'js',
  '.cjs': 'js',
  '.js': 'js',
};

/** The plugin: an SDK module imported from the lazy side and not needed at start-up is loaded as a copy. */
function lazySdkCopies(startup: StartupGraph): Plugin {
  return {
    name: 'lazy-sdk-copies',
    setup(b) {
      const resolveLazily = async (args: OnResolveArgs): Promise<OnResolveResult> => {
        // Most imports of a copy are relative: resolved here, which spares esbuild a round trip per import.
        const relative = args.namespace === LAZY ? relativeModule(args.resolveDir, args.path) : undefined;
        if (relative) return copyOrShare(relative.path, relative.sideEffects);
        // A package name resolves alike from anywhere in one package: asked of esbuild once per package.
        const key = `${packageRoot(args.resolveDir) ?? args.resolveDir}\0${args.kind}\0${args.path}`;
        let resolving = packageImports.get(key);
        if (!resolving) {
          resolving = b.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: LAZY,
          });
          packageImports.set(key, resolving);
        }
        const resolved = await resolving;
        if (resolved.errors.length > 0 || resolved.external || !SDK_MODULE.test(resolved.path))
          return resolved;
        return copyOrShare(resolved.path, resolved.sideEffects);
      };
      const packageImports = new Map<string, ReturnType<typeof b.resolve>>();
      const copyOrShare = (file: string, sideEffects: boolean | undefined): OnResolveResult =>
        startup.loaded.has(file) ? { path: file, sideEffects } : { path: file, namespace: LAZY, sideEffects };
      // Filters run in esbuild's own process: only the imports of copies and of SDK packages reach this code.
      b.onResolve({ filter: /.*/, namespace: LAZY }, resolveLazily);
      b.onResolve({ filter: SDK_PACKAGE }, (args) =>
        args.pluginData !== LAZY && (args.kind === 'dynamic-import' || !startup.reached.has(args.importer))
          ? resolveLazily(args)
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: LAZY }, async (args) => ({
        contents: await readFile(args.path),
        loader: loaders[path.extname(args.path)] ?? 'js',
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

/** `options` (a split build) with the plugin that keeps the lazy side's SDK modules out of the start-up. */
export async function withLazySdkCopies(options: BuildOptions): Promise<BuildOptions> {
  const startup = await startupGraph(options);
  return { ...options, plugins: [...(options.plugins ?? []), lazySdkCopies(startup)] };
}
