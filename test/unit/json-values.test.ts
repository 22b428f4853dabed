// Stored JSON values come back exactly: maps where DynamoDB can hold them, JSON text where it cannot.
import { describe, expect, it } from 'vitest';
import { fromStored, toStored } from '../../shared/data/json-values';

describe('stored JSON values', () => {
  it.each([
    ['a plain object', { a: 1, b: ['x', null, true] }, false],
    ['a number DynamoDB cannot hold', { n: 1e308 }, true],
    ['an integer beyond 2^53', [2 ** 60], true],
    ['a __proto__ key', JSON.parse('{"__proto__":{"x":1}}'), true],
    ['an empty key', { '': 1 }, true],
    ['an unpaired surrogate', { s: '\ud800' }, true],
    ['33 levels of nesting', JSON.parse(`${'['.repeat(33)}${']'.repeat(33)}`), true],
    ['an object that looks like the text form', { $json: '1' }, true],
    ['a string', 'plain', false],
    ['null', null, false],
  ])('%s', (_, value, asText) => {
    const stored = toStored(value);
    expect(typeof stored === 'object' && stored !== null && '$json' in stored).toBe(asText);
    expect(JSON.stringify(fromStored(JSON.parse(JSON.stringify(stored))))).toBe(JSON.stringify(value));
  });
});
