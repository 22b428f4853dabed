// Each Lambda function's bundle, built as the CDK stacks build it (the AWS SDK bundled, minified), stays within
// its byte budget: the target for all, or the size it was held at while above it (infra/stacks/bundling.ts).
// Sizes are deterministic; init times are measured by `npm run bench -- bundles`, never asserted here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_TARGET_KB,
  bundleBudgetsKb,
  esbuildOptions,
  lambdaEntries,
  onDemandCommands,
  onDemandModules,
  onDemandOptions,
  projectRoot,
} from '../../infra/stacks/bundling';

const entries = lambdaEntries();
/** The packages of onDemandModules ('ajv/dist/2020.js' is the package ajv). */
const onDemandPackages = onDemandModules.map((name) => name.split('/')[0]!);
/** What each on-demand package may weigh, minified. */
const onDemandBudgetKb: Record<string, number> = { re2js: 150, 'ajv/dist/2020.js': 140, nodemailer: 280 };

async function bundledKb(entry: string): Promise<{ kb: number; inputs: string[]; text: string }> {
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
  return { kb: output.bytes / 1024, inputs: Object.keys(output.inputs), text: result.outputFiles[0]!.text };
}

describe('function bundles', () => {
  it('names only functions that exist in its budget table', () => {
    expect(Object.keys(bundleBudgetsKb).filter((name) => !(name in entries))).toEqual([]);
  });

  it.each(Object.entries(entries))('%s stays within its byte budget', async (name, entry) => {
    const { kb, inputs, text } = await bundledKb(entry);
    // node:http is required, never imported (an import loads undici at cold start: shared/clients/node-http.ts).
    expect(text).not.toMatch(/from\s*"(node:)?http"/);
    const budget = bundleBudgetsKb[name] ?? BUNDLE_TARGET_KB;
    expect(kb, `${name}: ${kb.toFixed(0)} KB, budget ${budget} KB`).toBeLessThanOrEqual(budget);
    // What was cut out stays out: the SDK's default credential chain, undici, the packages required on first use.
    expect(
      inputs.filter((input) => /credential-provider-(node|ini|sso)|node_modules\/undici\//.test(input)),
    ).toEqual([]);
    expect(
      inputs.filter((input) => onDemandPackages.some((name) => input.includes(`node_modules/${name}/`))),
    ).toEqual([]);
  });
});

describe('packages required on first use', () => {
  it('load from beside the bundle as deployed, and work there', async () => {
    const dir = mkdtempSync(path.join(projectRoot, 'test/.on-demand-'));
    try {
      // A function that matches a pattern, checks a JSON Schema, uses node:http and finds every on-demand package, bundled and
      // laid out as the stacks deploy it, run by Node 24 from a directory where no node_modules of the project
      // can be found.
      const out = mkdtempSync(path.join('/tmp', 'on-demand-'));
      const entry = path.join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { validateJsonSchema } from '${path.join(projectRoot, 'shared/json-schema')}';\n` +
          `import { matchesPattern } from '${path.join(projectRoot, 'shared/recipes/patterns')}';\n` +
          `const schema = { type: 'object', properties: { email: { type: 'string', format: 'email' } } };\n` +
          `console.log(matchesPattern('^a+b$', 'aaab'), matchesPattern('^a+b$', 'ba'),\n` +
          `  JSON.stringify(validateJsonSchema(schema, { email: 'nope' }, 'input')),\n` +
          `  validateJsonSchema(schema, { email: 'a@b.co' }, 'input').length);\n` +
          `import { createRequire } from 'node:module';\n` +
          `import { STATUS_CODES, request } from 'node:http';\n` +
          `console.log(STATUS_CODES[404], typeof request, process.moduleLoadList.some((m) => m.includes('undici')));\n` +
          `for (const name of ${JSON.stringify(onDemandModules)}) console.log(name, createRequire(import.meta.url)(name) ? 'loaded' : 'empty');\n`,
      );
      const bundle = await build({
        ...esbuildOptions,
        absWorkingDir: projectRoot,
        entryPoints: [entry],
        outfile: path.join(out, 'index.mjs'),
        metafile: true,
        logLevel: 'silent',
      });
      expect(
        Object.keys(bundle.metafile.inputs).filter((input) =>
          onDemandPackages.some((name) => input.includes(`node_modules/${name}/`)),
        ),
      ).toEqual([]);
      // The stacks' afterBundling commands, as NodejsFunction runs them.
      for (const command of onDemandCommands(out)) execFileSync('bash', ['-c', command]);
      for (const name of onDemandModules) {
        const { outfile } = onDemandOptions(name, out);
        expect(statSync(outfile!).size / 1024, name).toBeLessThanOrEqual(onDemandBudgetKb[name]!);
      }
      const node = path.join(projectRoot, 'node_modules/.bin/node');
      const lines = execFileSync(node, [path.join(out, 'index.mjs')], { cwd: out, encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(lines).toEqual([
        `true false ${JSON.stringify([{ path: 'input.email', message: 'must match format "email"' }])} 0`,
        // node:http through its alias: its exports, without undici loaded (shared/clients/node-http.ts).
        'Not Found function false',
        ...onDemandModules.map((name) => `${name} loaded`),
      ]);
      rmSync(out, { recursive: true, force: true });
      // A bundle that requires none of them ships none.
      const bare = mkdtempSync(path.join('/tmp', 'on-demand-'));
      writeFileSync(path.join(bare, 'index.mjs'), 'export const handler = async () => 1;\n');
      for (const command of onDemandCommands(bare)) execFileSync('bash', ['-c', command]);
      expect(existsSync(path.join(bare, 'node_modules'))).toBe(false);
      rmSync(bare, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
