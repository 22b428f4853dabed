// One Lambda function bundled per entry point with the local esbuild (no Docker): ESM, minified, tree-shaken.
import path from 'node:path';
import { type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleAliases, onDemandCommands, onDemandModules, projectRoot, requireBanner } from './bundling';

export { projectRoot };

export interface BundledFunctionProps {
  entry: string;
  /** The function's name in the settings table (`api/health`, `components/http`); default: from the entry. */
  name?: string;
  functionName?: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
}

export function bundledFunction(scope: Construct, id: string, props: BundledFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: path.join(projectRoot, props.entry),
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    functionName: props.functionName,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(30),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', RECIPEFLOW_RUNTIME: 'cloud', ...props.environment },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node24',
      minify: true,
      sourceMap: true,
      mainFields: ['module', 'main'],
      // Measured by `npm run bench` (bundles): a bundled, tree-shaken SDK initialises faster than the runtime's.
      bundleAwsSDK: true,
      // Options shared with the bundle benchmark and the byte-budget test (./bundling.ts).
      esbuildArgs: Object.fromEntries(
        Object.entries(bundleAliases).map(([from, to]) => [`--alias:${from}`, to]),
      ),
      banner: requireBanner,
      // Required on first use (./bundling.ts): left out of the bundle, built beside it.
      externalModules: [...onDemandModules],
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_inputDir, outputDir) => onDemandCommands(outputDir),
      },
    },
  });
  // Which entry point this is, so the CDK test can hold its environment to what the entry declares it needs.
  (fn.node.defaultChild as CfnResource).addMetadata(
    'recipeflow:entry',
    props.name ?? props.entry.replace(/^functions\/|\.ts$/g, ''),
  );
  return fn;
}
