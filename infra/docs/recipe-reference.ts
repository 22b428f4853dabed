// Renders docs/recipe-reference.md from the step registry, so the reference cannot drift from the code:
// `npm run docs` writes it, and a test fails when the file differs from what this renders.
import { stepTypeCatalog } from '../../shared/steps/catalog';

const COMMON = new Set(['id', 'type', 'retry', 'timeoutSeconds', 'onError']);

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any JSON';
}

function limits(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`≤ ${schema.maxLength} characters`);
  if (schema.default !== undefined) parts.push(`default \`${JSON.stringify(schema.default)}\``);
  return parts.join(', ');
}

export function recipeReference(): string {
  const lines = [
    '# Recipe step reference',
    '',
    '<!-- Generated from shared/steps/registry.ts by `npm run docs`; a test fails when it is stale. -->',
    '',
    'A recipe is `{ name, description?, mode?, inputSchema?, steps, output? }`; `steps` run in order. Every step',
    'has `id` (`^[a-z][A-Za-z0-9_]{0,63}$`, unique in the recipe) and `type`, and may have `retry`',
    '(`{ maxAttempts, intervalSeconds, backoffRate, maxDelaySeconds?, jitter }`), `timeoutSeconds` and `onError`',
    '(`fail`, `continue` or `{ "goto": "<step id>" }`). Strings may hold templates: `{{input.x}}`,',
    '`{{steps.<id>.output.y}}`, `{{settings.<name>}}`, `{{execution.id}}`, `{{item}}` inside a map.',
    "The same list, with each type's JSON Schema, is served by `GET /v1/step-types`.",
    '',
    '| type | kind | price (credits) | default timeout | default retry |',
    '|---|---|---|---|---|',
  ];
  const catalog = stepTypeCatalog();
  for (const entry of catalog) {
    const retry = entry.defaults.retry ? `${entry.defaults.retry.maxAttempts} attempts` : 'none';
    const timeout = entry.defaults.timeoutSeconds ? `${entry.defaults.timeoutSeconds} s` : '—';
    lines.push(
      `| [\`${entry.type}\`](#${entry.type}) | ${entry.kind} | ${entry.price} | ${timeout} | ${retry} |`,
    );
  }
  for (const entry of catalog) {
    const schema = entry.configSchema as JsonSchema;
    lines.push(
      '',
      `## ${entry.type}`,
      '',
      entry.description,
      '',
      '| field | type | required | limits |',
      '|---|---|---|---|',
    );
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      if (COMMON.has(name)) continue;
      const required = schema.required?.includes(name) ? 'yes' : '';
      lines.push(`| \`${name}\` | ${typeOf(field)} | ${required} | ${limits(field)} |`);
    }
    lines.push('', '```json', JSON.stringify(entry.example, null, 2), '```');
  }
  return `${lines.join('\n')}\n`;
}
