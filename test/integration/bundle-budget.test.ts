// Each Lambda function's bundle, built as the CDK stacks build it (the AWS SDK bundled, minified), stays within
// its byte budget: the target for all, or the size it was held at while above it (infra/stacks/bundling.ts).
// Sizes are deterministic; init times are measured by `npm run bench -- bundles`, never asserted here.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_TARGET_KB,
  bundleBudgetsKb,
  esbuildOptions,
  lambdaEntries,
  projectRoot,
} from '../../infra/stacks/bundling';

const entries = lambdaEntries();

async function bundledKb(entry: string): Promise<{ kb: number; inputs: string[] }> {
  const result = await build({
    ...esbuildOptions,
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outfile: 'out.mjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return { kb: output.bytes / 1024, inputs: Object.keys(output.inputs) };
}

describe('function bundles', () => {
  it('names only functions that exist in its budget table', () => {
    expect(Object.keys(bundleBudgetsKb).filter((name) => !(name in entries))).toEqual([]);
  });

  it.each(Object.entries(entries))('%s stays within its byte budget', async (name, entry) => {
    const { kb, inputs } = await bundledKb(entry);
    const budget = bundleBudgetsKb[name] ?? BUNDLE_TARGET_KB;
    expect(kb, `${name}: ${kb.toFixed(0)} KB, budget ${budget} KB`).toBeLessThanOrEqual(budget);
    // What was cut out stays out: the SDK's default credential chain and undici.
    expect(
      inputs.filter((input) => /credential-provider-(node|ini|sso)|node_modules\/undici\//.test(input)),
    ).toEqual([]);
  });
});
