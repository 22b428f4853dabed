// Turns zod and JSON Schema failures into ValidationFailed with field paths like `steps[1].source`.

import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { type FieldError, ValidationFailed } from './errors';

export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  options: { prefix?: string; status?: 400 | 422 } = {},
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue) =>
    // An unknown field is named itself, not its parent object.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key], options.prefix),
          message: 'is not a known field',
        }))
      : [{ path: formatPath(issue.path, options.prefix), message: issue.message }],
  );
  throw new ValidationFailed(errors, options.status ?? 422);
}

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
