// How every Lambda is bundled: the CDK stacks, the bundle benchmark and the byte-budget test use these
// options, so what is measured and held is what is deployed.
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

/** The SDK's default credential chain replaced by the environment provider Lambda needs (see the module). */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': path.join(projectRoot, 'shared/clients/lambda-credentials.ts'),
};

/** Some dependencies are CommonJS and call require(); the ESM bundle gives them one. */
export const requireBanner = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

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
};
