// One Lambda function built per entry point with the local esbuild (no Docker): ESM, minified, tree-shaken, split
// at dynamic imports (functionBuild), with the on-demand packages its code requires built beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AssetHashType, type CfnResource, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lambdaEntries, projectRoot } from './bundling';

export { projectRoot };

const builds = new Map<string, string>();
const buildRoots: string[] = [];

/**
 * Removes the builds this process made (bundling has copied them into the cloud assembly by then). Runs when the
 * process exits; a process that ends by a signal (a test runner's worker) calls it itself.
 */
export function removeFunctionBuilds(): void {
  for (const root of buildRoots.splice(0)) rmSync(root, { recursive: true, force: true });
  builds.clear();
}
process.once('exit', removeFunctionBuilds);

/**
 * The directory holding `entry`'s build. The first call builds every function (lambdaEntries, and `entry`) in
 * one process (./build-function.ts): esbuild's plugins need its asynchronous API, which CDK's synchronous bundling
 * cannot await, and one process builds them all in the time a few would take one by one.
 */
function builtFunction(entry: string): string {
  if (!builds.has(entry)) {
    const root = mkdtempSync(path.join(tmpdir(), 'recipeflow-functions-'));
    buildRoots.push(root);
    const entries = [...new Set([entry, ...Object.values(lambdaEntries())])].filter((e) => !builds.has(e));
    const jobs = Object.fromEntries(entries.map((e, i) => [e, path.join(root, String(i))]));
    // The Node that runs this app (Node 24 under npm scripts), running tsx's command line.
    execFileSync(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'),
        path.join(import.meta.dirname, 'build-function.ts'),
        JSON.stringify(jobs),
      ],
      { cwd: projectRoot },
    );
    for (const [e, dir] of Object.entries(jobs)) builds.set(e, dir);
  }
  return builds.get(entry)!;
}

export interface BundledFunctionProps {
  entry: string;
  /** The function's name in the settings table (`api/health`, `components/http`); default: from the entry. */
  name?: string;
  functionName?: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
}

/** A function of the platform's own code (what the observability stack watches), as bundledFunction builds it. */
export class BundledFunction extends LambdaFunction {}

export function bundledFunction(scope: Construct, id: string, props: BundledFunctionProps): BundledFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new BundledFunction(scope, id, {
    functionName: props.functionName,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    handler: 'index.handler',
    code: Code.fromAsset(projectRoot, {
      // The asset is what the build wrote: a function whose code did not change keeps its hash.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled or run: the local build below always succeeds or throws. The command names the entry
        // because CDK caches a bundling by its options (functions aside): without it every function of a stack
        // would be staged with the first one's code.
        image: DockerImage.fromRegistry('unused'),
        command: ['build', props.entry],
        local: {
          tryBundle(outputDir) {
            // Measured by `npm run bench` (bundles): a bundled, tree-shaken SDK initialises faster than the
            // runtime's. The build shared with the bundle benchmark and the byte-budget test (./bundling.ts).
            cpSync(builtFunction(props.entry), outputDir, { recursive: true });
            return true;
          },
        },
      },
    }),
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(30),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', RECIPEFLOW_RUNTIME: 'cloud', ...props.environment },
  });
  // Which entry point this is, so the CDK test can hold its environment to what the entry declares it needs.
  (fn.node.defaultChild as CfnResource).addMetadata(
    'recipeflow:entry',
    props.name ?? props.entry.replace(/^functions\/|\.ts$/g, ''),
  );
  return fn;
}
