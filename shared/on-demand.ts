// Packages a function requires on first use instead of importing them, so a cold start does not load them:
// few runs need them. Deployed bundles leave them out and ship each, minified, beside the functions that name it
// (infra/stacks/bundling.ts builds them from this list); locally the same require finds the project's package.
import { createRequire } from 'node:module';

/**
 * re2js: the pattern language of `matches` conditions, which few recipes use; Ajv and ajv-formats' formats: a
 * tenant's JSON Schemas (recipe input, ai output), which few recipes declare; nodemailer: the SMTP transport,
 * when a deployment sends email through SMTP instead of SES; croner: cron() and at() schedule expressions, which
 * only the schedules function reads, to check them and list their next runs (a rate() never needs it).
 */
export const onDemandModules = [
  're2js',
  'ajv/dist/2020.js',
  'ajv-formats/dist/formats.js',
  'nodemailer',
  'croner',
] as const;

const requireHere = createRequire(import.meta.url);

/** The package, loaded on its first use (Node caches it after). The name is written at the call, as a literal:
 * the build looks for it in a bundle to decide what to ship beside it. */
export function requireOnDemand<T>(name: (typeof onDemandModules)[number]): T {
  return requireHere(name) as T;
}
