// Turns zod failures into ValidationFailed with field paths like `steps[1].source` (JSON Schema's are in
// json-schema.ts, so only the functions that check one bundle Ajv). Every schema is zod/mini's (small, built fast
// at a cold start) and is parsed here, through zod's core.
import { type $ZodType, config, type output, safeParse } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';
import { formatPath, ValidationFailed } from './errors';

// Messages in English, as classic zod would set them on import (zod/mini alone says only "Invalid input").
config(en());

export function parseWith<T extends $ZodType>(
  schema: T,
  value: unknown,
  options: { prefix?: string; status?: 400 | 422 } = {},
): output<T> {
  const result = safeParse(schema, value);
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
