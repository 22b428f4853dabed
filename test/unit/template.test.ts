import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../shared/recipes/condition';
import { readPath, resolveTemplates } from '../../shared/recipes/template';

const scope = {
  input: { domain: 'acme.example', tags: ['a', 'b'] },
  steps: { company: { output: { body: { employees: 120, name: 'Acme' } } } },
  settings: { directoryUrl: 'http://dir' },
};

describe('templates', () => {
  it('keeps the JSON type of a string that is exactly one template', () => {
    expect(resolveTemplates('{{steps.company.output.body.employees}}', scope)).toBe(120);
    expect(resolveTemplates('{{ input.tags }}', scope)).toEqual(['a', 'b']);
  });

  it('interpolates text when a template is part of a string', () => {
    expect(resolveTemplates('{{settings.directoryUrl}}/companies/{{input.domain}}', scope)).toBe(
      'http://dir/companies/acme.example',
    );
    expect(resolveTemplates('tags: {{input.tags}}', scope)).toBe('tags: ["a","b"]');
  });

  it('resolves inside objects and arrays and gives null or empty text for missing values', () => {
    expect(
      resolveTemplates({ a: ['{{input.domain}}', '{{input.missing}}'], b: 'x{{input.missing}}y' }, scope),
    ).toEqual({
      a: ['acme.example', null],
      b: 'xy',
    });
  });

  it('reads array indexes and does not walk into prototypes', () => {
    expect(readPath(scope, 'input.tags[1]')).toBe('b');
    expect(readPath(scope, 'input.constructor')).toBeUndefined();
  });
});

describe('conditions', () => {
  it.each([
    [{ path: 'steps.company.output.body.employees', op: 'gte', value: 120 }, true],
    [{ path: 'steps.company.output.body.employees', op: 'lt', value: 100 }, false],
    [{ path: 'input.domain', op: 'matches', value: '\\.example$' }, true],
    [{ path: 'input.tags', op: 'contains', value: 'b' }, true],
    [{ path: 'input.domain', op: 'in', value: ['x', 'acme.example'] }, true],
    [{ path: 'input.nothing', op: 'exists' }, false],
    [
      {
        all: [
          { path: 'input.domain', op: 'eq', value: 'acme.example' },
          { not: { path: 'input.tags', op: 'contains', value: 'z' } },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { path: 'input.domain', op: 'ne', value: 'acme.example' },
          { path: 'input.domain', op: 'eq', value: 1 },
        ],
      },
      false,
    ],
  ] as const)('evaluates %j as %s', (condition, expected) => {
    expect(evaluateCondition(condition as never, scope)).toBe(expected);
  });
});
