// `npm run invoke -- <function> <event.json>`: runs one handler module against one event, in this process.
// <function> names a function, e.g. api/health, components/transform (a step type's, in shared/steps/),
// triggers/schedule.
// Handlers that touch data reach the running `npm start` (its endpoints.json in the data folder) unless the
// environment names other endpoints (DYNAMODB_ENDPOINT, SFN_ENDPOINT, S3_ENDPOINT, …).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { handlerModule } from '../../shared/steps/registry';
import { lambdaContext } from './lambda-context';
import { ENDPOINTS_FILE } from './runtime';

// A local tool: handlers run against the local runtime's emulators.
process.env.RECIPEFLOW_RUNTIME ??= 'local';
const endpoints = path.join(process.env.RECIPEFLOW_DATA_DIR ?? '.local', ENDPOINTS_FILE);
if (existsSync(endpoints)) {
  for (const [name, value] of Object.entries(
    JSON.parse(readFileSync(endpoints, 'utf8')) as Record<string, string>,
  ))
    process.env[name] ??= value;
}

const [fn, eventFile] = process.argv.slice(2);
if (!fn || !eventFile || !/^[a-z-]+\/[a-z-]+$/.test(fn)) {
  console.error('usage: npm run invoke -- <api|components|triggers|authorizer>/<name> <event.json>');
  process.exit(2);
}
const module = (await import(path.resolve(handlerModule(fn)))) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const event = JSON.parse(readFileSync(eventFile, 'utf8')) as unknown;
const result = await module.handler(event, lambdaContext(`recipeflow-${fn.replace('/', '-')}`));
console.log(JSON.stringify(result, null, 2));
