// Tenant-supplied JSON Schemas (a recipe's inputSchema, a step's outputSchema): compiled once each with Ajv,
// their failures turned into field errors with paths like `input.lead.email`.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FieldError } from './errors';
import { formatPath } from './validation';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

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
    validate = ajv.compile(schema as object);
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
