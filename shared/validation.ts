// Turns zod failures into ValidationFailed with field paths like `steps[1].source` (JSON Schema's are in
// json-schema.ts, so only the functions that check one bundle Ajv).
import type * as z from 'zod';
import { ValidationFailed } from './errors';

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
