// What GET /v1/step-types answers and docs/recipe-reference.md is generated from: every registered type with
// its configuration's JSON Schema (generated from its zod schema), price, defaults and a complete example.
import { toJSONSchema } from 'zod/v4/core';
import { stepTypeNames, stepTypes } from './registry';
import type { StepTypeDefinition } from './types';

export interface StepTypeEntry {
  type: string;
  kind: StepTypeDefinition['kind'];
  description: string;
  configSchema: Record<string, unknown>;
  price: number;
  defaults: StepTypeDefinition['defaults'];
  example: Record<string, unknown>;
}

let catalog: StepTypeEntry[] | undefined;

export function stepTypeCatalog(): StepTypeEntry[] {
  catalog ??= stepTypeNames.map((type) => {
    const definition = stepTypes[type] as StepTypeDefinition;
    return {
      type,
      kind: definition.kind,
      description: definition.description,
      // As a recipe is written (defaults not applied); a map's nested steps are any step.
      configSchema: toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >,
      price: definition.price,
      defaults: definition.defaults,
      example: definition.example,
    };
  });
  return catalog;
}
