// `npm run bench`: runs every benchmark in its own process (each starts its own local runtime), in turn;
// each prints its own figures and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const benchmarks = ['cost-model', 'overhead', 'bundles', 'start-latency', 'api-latency', 'scale'];
for (const name of benchmarks) {
  const result = spawnSync(path.resolve('node_modules/.bin/tsx'), [`bench/${name}.ts`], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
