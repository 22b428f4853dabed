// The offline AI provider: deterministic output derived from the prompt, so recipes run with no API key.
// Structured output is generated to fit the step's JSON Schema; the result says "provider": "offline".
import { createHash } from 'node:crypto';

export interface CompletionRequest {
  model: string;
  system?: string;
  prompt: string;
  outputSchema?: Record<string, unknown>;
}

export interface Completion {
  output: unknown;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export function completeOffline(request: CompletionRequest): Completion {
  const seed = createHash('sha256')
    .update(`${request.model}\n${request.system ?? ''}\n${request.prompt}`)
    .digest();
  const excerpt = request.prompt.replace(/\s+/g, ' ').trim().slice(0, 120);
  let output: unknown;
  if (request.outputSchema) {
    output = fakeValue(request.outputSchema, 'result', excerpt, seed, 0);
    const closed = request.outputSchema.additionalProperties === false;
    if (output && typeof output === 'object' && !Array.isArray(output) && !closed) {
      output = { ...output, provider: 'offline' };
    }
  } else {
    output = { text: `[offline ${request.model}] ${excerpt}`, provider: 'offline' };
  }
  const promptTokens = Math.ceil(((request.system?.length ?? 0) + request.prompt.length) / 4);
  const completionTokens = Math.ceil(JSON.stringify(output).length / 4);
  return { output, usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } };
}

function fakeValue(
  schema: Record<string, unknown>,
  name: string,
  excerpt: string,
  seed: Buffer,
  depth: number,
): unknown {
  const byte = seed[depth % seed.length] ?? 0;
  if (Array.isArray(schema.enum)) return schema.enum[byte % schema.enum.length];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(
        Object.entries(properties).map(([key, sub], i) => [
          key,
          fakeValue(sub, key, excerpt, seed, depth + i + 1),
        ]),
      );
    }
    case 'array': {
      const count = Math.max(Number(schema.minItems ?? 1), 1);
      const items = (schema.items ?? { type: 'string' }) as Record<string, unknown>;
      return Array.from({ length: count }, (_, i) => fakeValue(items, name, excerpt, seed, depth + i + 1));
    }
    case 'integer':
    case 'number': {
      const min = Number(schema.minimum ?? 0);
      const max = Number(schema.maximum ?? min + 100);
      const value = min + (byte / 255) * (max - min);
      return type === 'integer' ? Math.round(value) : Math.round(value * 100) / 100;
    }
    case 'boolean':
      return byte % 2 === 0;
    case 'null':
      return null;
    default: {
      const text = `offline ${name}: ${excerpt}`;
      const maxLength = Number(schema.maxLength ?? text.length);
      return text.slice(0, maxLength);
    }
  }
}
