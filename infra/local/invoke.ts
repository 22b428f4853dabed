// `npm run invoke -- <function> <event.json>`: runs one handler module against one event, in this process.
// <function> is a path under functions/, e.g. api/health, components/transform, triggers/schedule.
// Handlers that touch data use the environment's endpoints (DYNAMODB_ENDPOINT, SFN_ENDPOINT, S3_ENDPOINT, …).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lambdaContext } from './lambda-context';

const [fn, eventFile] = process.argv.slice(2);
if (!fn || !eventFile || !/^[a-z-]+\/[a-z-]+$/.test(fn)) {
  console.error('usage: npm run invoke -- <api|components|triggers|authorizer>/<name> <event.json>');
  process.exit(2);
}
const module = (await import(path.resolve('functions', `${fn}.ts`))) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const event = JSON.parse(readFileSync(eventFile, 'utf8')) as unknown;
const result = await module.handler(event, lambdaContext(`recipeflow-${fn.replace('/', '-')}`));
console.log(JSON.stringify(result, null, 2));
