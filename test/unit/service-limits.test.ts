import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config';
import { ValidationFailed } from '../../shared/errors';
import { worstCaseSeconds } from '../../shared/recipes/recipe-compiler';
import { validateRecipe } from '../../shared/recipes/recipe-validation';
import { checkServiceLimits } from '../../shared/recipes/service-limits';
import { compileForDeployment } from '../../shared/recipes/state-machines';

const deps = { config: loadConfig({ RECIPEFLOW_RUNTIME: 'local' }) };

function problems(raw: unknown) {
  const recipe = validateRecipe(raw);
  try {
    checkServiceLimits(recipe, compileForDeployment(deps, recipe));
    return [];
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
}

const draft = { id: 'draft', type: 'transform', source: 'hi', ops: [] };

describe('the Step Functions rules checked at save time', () => {
  it('refuses a review in an Express recipe, naming the step', () => {
    const errors = problems({
      name: 'x',
      mode: 'express',
      steps: [draft, { id: 'ok', type: 'review', message: 'ok?' }],
    });
    expect(errors).toEqual([{ path: 'steps[1].type', message: expect.stringContaining('waitForTaskToken') }]);
  });

  it('puts the same recipe on Standard in auto mode', () => {
    expect(problems({ name: 'x', steps: [draft, { id: 'ok', type: 'review', message: 'ok?' }] })).toEqual([]);
  });

  it('refuses an Express recipe that may run longer than five minutes, or wait until a time', () => {
    const slow = { id: 'fetch', type: 'http', url: 'https://example.com', timeoutSeconds: 120 };
    expect(problems({ name: 'x', mode: 'express', steps: [slow] })).toEqual([
      { path: 'mode', message: expect.stringContaining('may run 360 seconds') },
    ]);
    expect(problems({ name: 'x', mode: 'express', steps: [{ ...slow, retry: { maxAttempts: 1 } }] })).toEqual(
      [],
    );
    expect(
      problems({ name: 'x', mode: 'express', steps: [{ id: 'w', type: 'wait', until: '{{input.at}}' }] }),
    ).toEqual([{ path: 'steps[0].until', message: expect.any(String) }]);
    expect(
      problems({ name: 'x', mode: 'express', steps: [{ id: 'w', type: 'wait', seconds: 301 }] }),
    ).toEqual([{ path: 'mode', message: expect.any(String) }]);
  });

  it('bounds an Express map by its maxItems and concurrency', () => {
    const map = (maxItems: number) => ({
      id: 'each',
      type: 'map',
      items: '{{input.rows}}',
      maxItems,
      maxConcurrency: 10,
      steps: [{ id: 'shape', type: 'transform', source: '{{item}}', ops: [] }],
    });
    expect(problems({ name: 'x', mode: 'express', steps: [map(300)] })).toEqual([]); // 30 rounds × 10 s
    expect(problems({ name: 'x', mode: 'express', steps: [map(301)] })).toEqual([
      { path: 'mode', message: expect.any(String) },
    ]);
    expect(worstCaseSeconds(validateRecipe({ name: 'x', steps: [map(20)] }).steps)).toBe(20);
  });

  it('refuses a recipe whose compiled definition exceeds 1 MiB', () => {
    const steps = Array.from({ length: 100 }, (_, i) => ({
      id: `s${i}`,
      type: 'transform',
      source: 'x'.repeat(12_000),
      ops: [],
    }));
    expect(problems({ name: 'x', steps })).toEqual([
      { path: 'steps', message: expect.stringContaining('at most 1048576') },
    ]);
  });
});
