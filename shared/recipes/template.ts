// Template resolution: "{{path}}" reads from the run's scope (input, steps, item, settings, execution).
// A string that is exactly one template keeps the value's JSON type; otherwise values are interpolated as text.

const TEMPLATE = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*([^{}]+?)\s*\}\}$/;

export const templateRoots = ['input', 'steps', 'item', 'settings', 'execution'] as const;

export function parsePath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part.length > 0);
}

export function readPath(scope: unknown, path: string): unknown {
  let current: unknown = scope;
  for (const part of parsePath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function resolveTemplates(value: unknown, scope: unknown): unknown {
  if (typeof value === 'string') return resolveString(value, scope);
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope)]));
  }
  return value;
}

function resolveString(text: string, scope: unknown): unknown {
  const whole = WHOLE_TEMPLATE.exec(text);
  if (whole?.[1]) return readPath(scope, whole[1]) ?? null;
  return text.replace(TEMPLATE, (_, path: string) => asText(readPath(scope, path)));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Every template path found anywhere inside a value (used for save-time reference checks). */
export function collectTemplatePaths(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(TEMPLATE)) if (match[1]) found.push(match[1]);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTemplatePaths(v, found);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectTemplatePaths(v, found);
  }
  return found;
}
