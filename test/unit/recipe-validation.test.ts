import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../shared/errors';
import { builtinRecipes } from '../../shared/recipes/builtin-recipes';
import { validateRecipe } from '../../shared/recipes/recipe-validation';
import { threeStepRecipe } from '../support/recipes';

function errorsOf(raw: unknown) {
  try {
    validateRecipe(raw);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  throw new Error('expected the recipe to be rejected');
}

describe('validateRecipe', () => {
  it('accepts the reference recipe and applies defaults', () => {
    const recipe = validateRecipe(threeStepRecipe('http://dir.example'));
    expect(recipe.mode).toBe('auto');
    expect(recipe.steps[0]).toMatchObject({ id: 'company', method: 'GET' });
  });

  it('names an unknown field itself, not its parent', () => {
    const recipe = threeStepRecipe('http://dir.example');
    const errors = errorsOf({ ...recipe, colour: 'red', steps: [{ ...recipe.steps[0], retries: 3 }] });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        { path: 'steps[0].retries', message: 'is not a known field' },
      ]),
    );
  });

  it('accepts every built-in recipe', () => {
    expect(builtinRecipes().map((r) => r.definition.name)).toEqual([
      'Lead Discovery',
      'Lead Intelligence',
      'Outreach Personalization',
    ]);
  });

  it('names the field of a malformed step', () => {
    const raw = threeStepRecipe('http://dir.example');
    raw.steps.push({ id: 'shape', type: 'transform' } as never);
    expect(errorsOf(raw)).toContainEqual(expect.objectContaining({ path: 'steps[3].ops' }));
  });

  it('rejects duplicate step ids', () => {
    const raw = threeStepRecipe('http://dir.example');
    (raw.steps[2] as { id: string }).id = 'company';
    expect(errorsOf(raw)).toContainEqual(
      expect.objectContaining({ path: 'steps[2].id', message: expect.stringContaining('duplicate') }),
    );
  });

  it('rejects a step that references a later step', () => {
    const raw = threeStepRecipe('http://dir.example');
    (raw.steps[0] as { url: string }).url = '{{steps.analysis.output.summary}}';
    expect(errorsOf(raw)).toContainEqual(
      expect.objectContaining({
        path: 'steps[0].url',
        message: expect.stringContaining('does not come earlier'),
      }),
    );
  });

  it('rejects a condition that references an unknown step', () => {
    const raw = threeStepRecipe('http://dir.example');
    (raw.steps[2] as { rules: unknown[] }).rules = [
      { when: { path: 'steps.nope.output', op: 'exists' }, points: 1 },
    ];
    expect(errorsOf(raw)[0]?.path).toBe('steps[2].rules[0].when');
  });

  it('rejects an unknown template root', () => {
    const raw = threeStepRecipe('http://dir.example');
    (raw.steps[0] as { url: string }).url = 'http://x/{{secrets.token}}';
    expect(errorsOf(raw)[0]?.message).toContain('must start with one of');
  });

  it('rejects an inputSchema that is not a valid JSON Schema', () => {
    const raw = { ...threeStepRecipe('http://dir.example'), inputSchema: { type: 'banana' } };
    expect(errorsOf(raw)).toContainEqual(expect.objectContaining({ path: 'inputSchema' }));
  });

  it('rejects an invalid step id and an out-of-range retry', () => {
    const raw = threeStepRecipe('http://dir.example');
    Object.assign(raw.steps[0]!, { id: 'Company', retry: { maxAttempts: 11 } });
    const paths = errorsOf(raw).map((e) => e.path);
    expect(paths).toContain('steps[0].id');
    expect(paths).toContain('steps[0].retry.maxAttempts');
  });

  it('rejects keys that Step Functions would read as paths', () => {
    const raw = threeStepRecipe('http://dir.example');
    Object.assign(raw.steps[0]!, { method: 'POST', body: { 'x.$': '$.input' } });
    expect(errorsOf(raw)).toContainEqual(expect.objectContaining({ path: 'steps[0].body.x.$' }));
  });

  it('rejects a goto that is not a step of the recipe', () => {
    const raw = threeStepRecipe('http://dir.example');
    Object.assign(raw.steps[0]!, { onError: { goto: 'nowhere' } });
    expect(errorsOf(raw)).toContainEqual(expect.objectContaining({ path: 'steps[0].onError.goto' }));
  });
});
