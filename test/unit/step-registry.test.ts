// The step registry is the one place a step type is declared: every entry is complete and consistent, its
// example is a valid step, its Lambda (if it has one) exists with a sample event, and what reads the registry
// (schema, compiler, pricing, function table) agrees with it.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentFunctions } from '../../shared/api/routes';
import { prices } from '../../shared/credits/pricing';
import { compileRecipe, groupOf } from '../../shared/recipes/recipe-compiler';
import { recipeSchema, stepSchema } from '../../shared/recipes/recipe-schema';
import { stepTypeCatalog } from '../../shared/steps/catalog';
import { handlerModule, lambdaStepTypes, stepTypeNames, stepTypes } from '../../shared/steps/registry';

describe('the step registry', () => {
  it.each(stepTypeNames)('%s: a complete entry whose example is a valid step', (type) => {
    const definition = stepTypes[type];
    expect(definition.type).toBe(type);
    expect(definition.description.length).toBeGreaterThan(20);
    expect(definition.schema.safeParse(definition.example).success).toBe(true);
    expect(stepSchema.safeParse(definition.example).success).toBe(true);
    expect(prices.steps[type]).toBe(definition.price);
  });

  it.each(lambdaStepTypes)(
    '%s: its Lambda handler and sample event exist, and it is a function of the stack',
    (type) => {
      expect(handlerModule(`components/${type}`)).toBe(`shared/steps/${type}/handler.ts`);
      expect(existsSync(handlerModule(`components/${type}`))).toBe(true);
      expect(existsSync(`events/component-${type}.json`)).toBe(true);
      expect(componentFunctions).toContain(type);
    },
  );

  it('compiles a recipe made of every example', () => {
    const steps = stepTypeNames.map((type, i) => ({ ...stepTypes[type].example, id: `s${i}` }));
    const recipe = recipeSchema.parse({ name: 'all', steps });
    const asl = compileRecipe(recipe, { componentArn: (c) => `arn:aws:lambda:us-east-1:1:function:x-${c}` });
    // Each step has a state of its own, or is one step of a fused group's Task.
    const grouped = Object.values(asl.States).flatMap((state) => groupOf(state)?.map((s) => s.id) ?? []);
    for (const step of steps)
      expect(asl.States[step.id] ?? grouped.includes(step.id), step.type as string).toBeTruthy();
  });

  it('lists every type for GET /v1/step-types with a JSON Schema of its configuration', () => {
    const catalog = stepTypeCatalog();
    expect(catalog.map((entry) => entry.type)).toEqual(stepTypeNames);
    for (const entry of catalog) {
      expect(entry.configSchema).toMatchObject({
        type: 'object',
        properties: { type: { const: entry.type } },
      });
    }
  });
});
