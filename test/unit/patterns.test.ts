import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../shared/errors';
import { evaluateCondition } from '../../shared/recipes/condition';
import { validateRecipe } from '../../shared/recipes/recipe-validation';

function errorsOf(raw: unknown) {
  try {
    validateRecipe(raw);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  return [];
}

const filterWith = (value: unknown) => ({
  name: 'patterns',
  steps: [
    {
      id: 'keep',
      type: 'transform',
      source: '{{input.names}}',
      ops: [{ op: 'filter', when: { path: 'item', op: 'matches', value } }],
    },
  ],
});

describe('matches conditions', () => {
  it('evaluates a catastrophic backtracking pattern in linear time', () => {
    const subject = `${'a'.repeat(40)}b`;
    const started = performance.now();
    expect(
      evaluateCondition({ path: 'input.s', op: 'matches', value: '^(a+)+$' }, { input: { s: subject } }),
    ).toBe(false);
    // RegExp takes minutes on this; RE2 answers at once (bounded generously for a loaded CI machine).
    expect(performance.now() - started).toBeLessThan(1000);
    expect(
      evaluateCondition({ path: 'input.s', op: 'matches', value: '^(a+)+$' }, { input: { s: 'aaaa' } }),
    ).toBe(true);
  });

  it('refuses at save a pattern RE2 cannot compile, naming the field', () => {
    expect(errorsOf(filterWith('('))).toEqual([
      {
        path: 'steps[0].ops[0].when.value',
        message: expect.stringContaining('not a valid RE2 regular expression'),
      },
    ]);
    // lookaround and backreferences are not RE2
    expect(errorsOf(filterWith('(?=a)b'))[0]?.path).toBe('steps[0].ops[0].when.value');
    expect(errorsOf(filterWith('(a)\\1'))[0]?.path).toBe('steps[0].ops[0].when.value');
  });

  it('bounds the pattern and the subject', () => {
    expect(errorsOf(filterWith('a'.repeat(501)))).toEqual([
      { path: 'steps[0].ops[0].when.value', message: 'must be at most 500 characters' },
    ]);
    expect(errorsOf(filterWith(42))[0]?.message).toContain('must be a string');
    const huge = 'a'.repeat(1_000_001);
    expect(evaluateCondition({ path: 'input.s', op: 'matches', value: 'a' }, { input: { s: huge } })).toBe(
      false,
    );
    expect(errorsOf(filterWith('^[a-z]+\\.example$'))).toEqual([]);
  });
});
