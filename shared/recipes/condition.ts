// Conditions used by score rules, branch cases and transform filters: { path, op, value } combined with all/any/not.
// How one is evaluated; its schema (what a recipe may write) is condition-schema.ts.
import type { Condition, ConditionOp } from './condition-schema';
import { matchesPattern } from './patterns';
import { readPath } from './template';

export function evaluateCondition(condition: Condition, scope: unknown): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, scope));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, scope));
  if ('not' in condition) return !evaluateCondition(condition.not, scope);
  return compare(readPath(scope, condition.path), condition.op, condition.value);
}

function compare(actual: unknown, op: ConditionOp, expected: unknown): boolean {
  switch (op) {
    case 'exists':
      return (actual !== undefined && actual !== null) === (expected ?? true);
    case 'eq':
      return deepEqual(actual, expected);
    case 'ne':
      return !deepEqual(actual, expected);
    case 'gt':
      return ordered(actual, expected, (a, b) => a > b);
    case 'gte':
      return ordered(actual, expected, (a, b) => a >= b);
    case 'lt':
      return ordered(actual, expected, (a, b) => a < b);
    case 'lte':
      return ordered(actual, expected, (a, b) => a <= b);
    case 'in':
      return Array.isArray(expected) && expected.some((e) => deepEqual(actual, e));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => deepEqual(a, expected));
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'matches':
      return typeof actual === 'string' && typeof expected === 'string' && matchesPattern(expected, actual);
  }
}

function ordered(a: unknown, b: unknown, test: (x: number | string, y: number | string) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return test(a, b);
  if (typeof a === 'string' && typeof b === 'string') return test(a, b);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export type { Condition } from './condition-schema';
