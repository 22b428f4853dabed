// `npm start`: runs recipeflow on this machine with no AWS account.
import { performance } from 'node:perf_hooks';
import { startRuntime } from './runtime';

const started = performance.now();
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.RECIPEFLOW_DATA_DIR ?? '.local';
const directoryPort =
  process.env.DEMO_DIRECTORY_PORT === undefined ? port + 1 : Number(process.env.DEMO_DIRECTORY_PORT);

/** A setting in seconds from the environment, when given: a number from 0 to `max`. */
function secondsSetting(name: string, max = Number.POSITIVE_INFINITY): number | undefined {
  const value = process.env[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= max))
    throw new Error(`${name} must be a number of seconds from 0 to ${max} (it is "${value}")`);
  return n;
}

try {
  const ttl = secondsSetting('AUTHORIZER_CACHE_TTL_SECONDS', 3600);
  // Lambda's MaximumBatchingWindowInSeconds: 0 to 300.
  const auditWindow = secondsSetting('AUDIT_BATCHING_WINDOW_SECONDS', 300);
  const runtime = await startRuntime({
    port,
    dataDir,
    directoryPort,
    ...(ttl === undefined ? {} : { authorizerTtlSeconds: ttl }),
    ...(auditWindow === undefined ? {} : { auditBatchingWindowSeconds: auditWindow }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `recipeflow is running (ready in ${seconds} s)`,
      `  base URL           ${runtime.baseUrl}`,
      `  demo API key       ${runtime.keys.apiKey}`,
      `  platform-admin key ${runtime.keys.platformAdminKey}`,
      `  data folder        ${runtime.dataDir}`,
      `  AI provider        ${process.env.OPENAI_API_KEY ? `OpenAI-compatible (${process.env.OPENAI_BASE_URL ?? 'api.openai.com'})` : 'offline (set OPENAI_API_KEY to use a real model)'}`,
      '',
      `Try: curl -H "authorization: Bearer ${runtime.keys.apiKey}" ${runtime.baseUrl}/v1/recipes`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`recipeflow could not start: ${(error as Error).message}`);
  process.exit(1);
}
