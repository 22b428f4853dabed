// `tsx infra/stacks/build-function.ts '{"<entry>": "<outDir>", …}'`: builds functions as deployed (bundling.ts'
// buildFunction, with source maps), each with the on-demand packages its code requires beside it. The stacks run
// it once per synthesis from CDK's synchronous local bundling, since esbuild's plugins need its asynchronous API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildFunction, onDemandCommands } from './bundling';

const run = promisify(execFile);
const jobs = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
await Promise.all(
  Object.entries(jobs).map(async ([entry, outDir]) => {
    await buildFunction(entry, outDir, { sourcemap: true, logLevel: 'warning' });
    for (const command of onDemandCommands(outDir)) await run('bash', ['-c', command]);
  }),
);
