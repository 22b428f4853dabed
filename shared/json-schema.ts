// Tenant-supplied JSON Schemas (a recipe's inputSchema, a step's outputSchema): compiled once each with Ajv,
// their failures turned into field errors with paths like `input.lead.email`.
//
// Ajv (~135 KB minified) is required on first use, not imported: most recipes declare no schema, so a function
// loads it only when one does (deployed beside the bundle, see infra/stacks/bundling.ts). The formats (email,
// uri, date-time …) are ajv-formats' own definitions, required with it and added one by one; its plugin would
// also add its `formatMinimum`-style keywords, which are not JSON Schema and would need a second copy of Ajv's
// code generator.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { type FieldError, formatPath } from './errors';
import { requireOnDemand } from './on-demand';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function engine(): Ajv2020 {
  if (ajv) return ajv;
  const { Ajv2020 } = requireOnDemand<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
  const { fullFormats } = requireOnDemand<typeof import('ajv-formats/dist/formats.js')>(
    'ajv-formats/dist/formats.js',
  );
  ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const [name, format] of Object.entries(fullFormats)) ajv.addFormat(name, format);
  return ajv;
}

/** Compiles (and caches) a JSON Schema; returns field errors when the schema itself is invalid. */
export function checkJsonSchema(schema: unknown, path: string): FieldError[] {
  try {
    compileJsonSchema(schema);
    return [];
  } catch (error) {
    return [{ path, message: `not a valid JSON Schema: ${(error as Error).message}` }];
  }
}

function compileJsonSchema(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = engine().compile(schema as object);
    compiled.set(key, validate);
  }
  return validate;
}

/** Validates data against a JSON Schema; returns field errors prefixed with `prefix`. */
export function validateJsonSchema(schema: unknown, data: unknown, prefix: string): FieldError[] {
  const validate = compileJsonSchema(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => ({
    path: jsonSchemaErrorPath(e, prefix),
    message: e.message ?? 'invalid',
  }));
}

function jsonSchemaErrorPath(error: ErrorObject, prefix: string): string {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  return formatPath(segments, prefix);
}
