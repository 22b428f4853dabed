// `npm run bench`: every benchmark, in turn; `npm run bench -- <name> [<name>…]`: only those. Each runs in its
// own process (each starts its own local runtime), prints its figures with the target beside each, and writes
// bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const benchmarks = [
  'cost-model',
  'overhead',
  'bundles',
  'start-latency',
  'api-latency',
  'scale',
  'admission',
  'artifact-map',
];
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !benchmarks.includes(name));
if (unknown.length > 0) {
  console.error(`no benchmark named ${unknown.join(', ')}; there are: ${benchmarks.join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : benchmarks) {
  console.log(`\n=== ${name} (bench/${name}.ts)`);
  const result = spawnSync(path.resolve('node_modules/.bin/tsx'), [`bench/${name}.ts`], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
