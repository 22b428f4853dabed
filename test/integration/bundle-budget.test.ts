// Each Lambda function's code, built as the CDK stacks build it (the AWS SDK bundled, minified, split at dynamic
// imports), stays within its byte budget: what its cold start loads (index.mjs and the chunks it imports) is
// held to the target for all, or to the size it was held at while above it (infra/stacks/bundling.ts).
// Sizes are deterministic; init times are measured by `npm run bench -- bundles`, never asserted here.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { startS3Local } from '../../infra/local/s3-local';
import {
  BUNDLE_TARGET_KB,
  buildFunction,
  bundleBudgetsKb,
  lambdaEntries,
  onDemandCommands,
  onDemandModules,
  onDemandOptions,
  outputFiles,
  projectRoot,
} from '../../infra/stacks/bundling';

const entries = lambdaEntries();
/** The packages of onDemandModules ('ajv/dist/2020.js' is the package ajv). */
const onDemandPackages = onDemandModules.map((name) => name.split('/')[0]!);
/** What each on-demand package may weigh, minified. */
const onDemandBudgetKb: Record<string, number> = {
  re2js: 150,
  'ajv/dist/2020.js': 140,
  'ajv-formats/dist/formats.js': 10,
  nodemailer: 280,
  croner: 40,
};

/** A function's build: the KB its cold start loads, and the inputs and text of each part (start-up or lazy). */
async function bundledKb(entry: string) {
  const result = await buildFunction(entry, 'out', { write: false, metafile: true, logLevel: 'silent' });
  const { startup, lazy } = outputFiles(result.metafile);
  const part = (files: Array<{ file: string }>) => ({
    inputs: files.flatMap(({ file }) => Object.keys(result.metafile.outputs[file]!.inputs)),
    text: files
      .map(({ file }) => result.outputFiles.find((o) => o.path === path.join(projectRoot, file))!.text)
      .join('\n'),
  });
  return {
    kb: startup.reduce((sum, f) => sum + f.bytes, 0) / 1024,
    startup: part(startup),
    all: part([...startup, ...lazy]),
  };
}

describe('function bundles', () => {
  it('names only functions that exist in its budget table', () => {
    expect(Object.keys(bundleBudgetsKb).filter((name) => !(name in entries))).toEqual([]);
  });

  it.each(Object.entries(entries))('%s stays within its byte budget', async (name, entry) => {
    const { kb, startup, all } = await bundledKb(entry);
    const { inputs, text } = all;
    // node:http is required, never imported (an import loads undici at cold start: shared/clients/node-http.ts).
    expect(text).not.toMatch(/from\s*"(node:)?http"/);
    // The S3 SDK is loaded by the first request that reaches S3, never by a cold start (shared/clients/s3.ts).
    expect(startup.inputs.filter((input) => input.includes('node_modules/@aws-sdk/client-s3/'))).toEqual([]);
    // Nor does its XML protocol, which it shares with no start-up client (infra/stacks/lazy-chunks.ts).
    expect(startup.inputs.filter((input) => input.includes('/protocols/xml/'))).toEqual([]);
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
    const s3 = await startS3Local({ directory: path.join(dir, 's3'), buckets: ['bundle-test'] });
    try {
      // A function that matches a pattern, checks a JSON Schema, uses node:http, finds every on-demand package
      // and loads the S3 client (a chunk of its own), built and laid out as the stacks deploy it, run by Node 24
      // from a directory where no node_modules of the project can be found.
      const out = mkdtempSync(path.join('/tmp', 'on-demand-'));
      const entry = path.join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { validateJsonSchema } from '${path.join(projectRoot, 'shared/json-schema')}';\n` +
          `import { matchesPattern } from '${path.join(projectRoot, 'shared/recipes/patterns')}';\n` +
          `import { nextFireTimes, parseExpression } from '${path.join(projectRoot, 'shared/schedules/expressions')}';\n` +
          `const schema = { type: 'object', properties: { email: { type: 'string', format: 'email' } } };\n` +
          `console.log(matchesPattern('^a+b$', 'aaab'), matchesPattern('^a+b$', 'ba'),\n` +
          `  JSON.stringify(validateJsonSchema(schema, { email: 'nope' }, 'input')),\n` +
          `  validateJsonSchema(schema, { email: 'a@b.co' }, 'input').length);\n` +
          `const cron = parseExpression('cron(30 9 ? * 2 *)', 'Europe/Paris');\n` +
          `console.log(nextFireTimes(cron, 'Europe/Paris', new Date(0), new Date('2026-12-07T12:00:00Z'), 2).join(' '),\n` +
          `  JSON.stringify(parseExpression('cron(61 9 ? * 2 *)', 'UTC')));\n` +
          `import { createRequire } from 'node:module';\n` +
          `import { STATUS_CODES, request } from 'node:http';\n` +
          `console.log(STATUS_CODES[404], typeof request, process.moduleLoadList.some((m) => m.includes('undici')));\n` +
          `for (const name of ${JSON.stringify(onDemandModules)}) console.log(name, createRequire(import.meta.url)(name) ? 'loaded' : 'empty');\n` +
          // The DynamoDB client at start-up and the S3 client's chunk (with its own copies of the SDK modules the
          // start-up does not load: infra/stacks/lazy-chunks.ts) in one process, each answering its server.
          `import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';\n` +
          `const db = new DynamoDBClient({ endpoint: '${inject('dynamoEndpoint')}', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });\n` +
          `console.log('dynamodb', Array.isArray((await db.send(new ListTablesCommand({}))).TableNames));\n` +
          `import { s3Of } from '${path.join(projectRoot, 'shared/clients/s3')}';\n` +
          `const s3 = await s3Of({ config: { AWS_REGION: 'us-east-1', S3_ENDPOINT: '${s3.endpoint}' } });\n` +
          `await s3.client.send(new s3.PutObjectCommand({ Bucket: 'bundle-test', Key: 'a.txt', Body: 'chunked' }));\n` +
          `const got = await s3.client.send(new s3.GetObjectCommand({ Bucket: 'bundle-test', Key: 'a.txt' }));\n` +
          `const missing = await s3.client.send(new s3.HeadObjectCommand({ Bucket: 'bundle-test', Key: 'b' })).catch((e) => e.name);\n` +
          `console.log('s3', await got.Body.transformToString(), missing, typeof s3.getSignedUrl);\n`,
      );
      const bundle = await buildFunction(entry, out, { metafile: true, logLevel: 'silent' });
      // The S3 SDK is a chunk the start-up files do not import.
      const { lazy } = outputFiles(bundle.metafile);
      expect(
        lazy.some(({ file }) =>
          Object.keys(bundle.metafile.outputs[file]!.inputs).some((input) =>
            input.includes('@aws-sdk/client-s3/'),
          ),
        ),
      ).toBe(true);
      expect(
        Object.keys(bundle.metafile.inputs).filter((input) =>
          onDemandPackages.some((name) => input.includes(`node_modules/${name}/`)),
        ),
      ).toEqual([]);
      // The commands the stacks run after the build (bundled-function.ts).
      for (const command of onDemandCommands(out)) execFileSync('bash', ['-c', command]);
      for (const name of onDemandModules) {
        const { outfile } = onDemandOptions(name, out);
        expect(statSync(outfile!).size / 1024, name).toBeLessThanOrEqual(onDemandBudgetKb[name]!);
      }
      const node = path.join(projectRoot, 'node_modules/.bin/node');
      // Asynchronously: the S3 server answers from this process.
      const { stdout } = await promisify(execFile)(node, [path.join(out, 'index.mjs')], { cwd: out });
      const lines = stdout.trim().split('\n');
      expect(lines).toEqual([
        `true false ${JSON.stringify([{ path: 'input.email', message: 'must match format "email"' }])} 0`,
        // croner, required by a cron() expression: Mondays at 9:30 in Paris, and a minute out of range refused.
        `2026-12-14T08:30:00.000Z 2026-12-21T08:30:00.000Z ${JSON.stringify({ path: 'expression', message: 'invalid cron(): CronPattern: Invalid value for minute: 61' })}`,
        // node:http through its alias: its exports, without undici loaded (shared/clients/node-http.ts).
        'Not Found function false',
        ...onDemandModules.map((name) => `${name} loaded`),
        'dynamodb true',
        's3 chunked NotFound function',
      ]);
      rmSync(out, { recursive: true, force: true });
      // A bundle that requires none of them ships none.
      const bare = mkdtempSync(path.join('/tmp', 'on-demand-'));
      writeFileSync(path.join(bare, 'index.mjs'), 'export const handler = async () => 1;\n');
      for (const command of onDemandCommands(bare)) execFileSync('bash', ['-c', command]);
      expect(existsSync(path.join(bare, 'node_modules'))).toBe(false);
      rmSync(bare, { recursive: true, force: true });
    } finally {
      await s3.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
