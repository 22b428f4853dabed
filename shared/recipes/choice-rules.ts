// Branch conditions → Step Functions Choice rules. Every comparison is guarded by IsPresent, so a missing
// value takes the rule's false side instead of failing the run. `matches` (a regular expression) and
// comparisons with objects have no Choice equivalent and are refused when the recipe is saved.
import type { Condition } from './condition';
import { parsePath } from './template';

type Rule = Record<string, unknown>;

export function jsonPath(path: string): string {
  return parsePath(path).reduce(
    (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : `${out}.${part}`),
    '$',
  );
}

/** Why a condition cannot become a Choice rule, or null when it can. */
export function choiceProblem(condition: Condition): string | null {
  if ('all' in condition) return first(condition.all.map(choiceProblem));
  if ('any' in condition) return first(condition.any.map(choiceProblem));
  if ('not' in condition) return choiceProblem(condition.not);
  const { op, value } = condition;
  if (op === 'matches')
    return 'branch conditions cannot use matches (Choice states have no regular expressions)';
  if (op === 'exists') return null;
  if (op === 'in') {
    return Array.isArray(value) && value.every(isScalar)
      ? null
      : 'in needs a list of strings, numbers, booleans or null';
  }
  if (op === 'contains')
    return typeof value === 'string' ? null : 'contains in a branch needs a string value';
  if ((op === 'eq' || op === 'ne') && isScalar(value)) return null;
  if (typeof value === 'number' || typeof value === 'string') return null;
  return `${op} needs a string or number value`;
}

export function choiceRule(condition: Condition): Rule {
  if ('all' in condition) return { And: condition.all.map(choiceRule) };
  if ('any' in condition) return { Or: condition.any.map(choiceRule) };
  if ('not' in condition) return { Not: choiceRule(condition.not) };
  const variable = jsonPath(condition.path);
  const present = { Variable: variable, IsPresent: true };
  const { op, value } = condition;
  switch (op) {
    case 'exists': {
      const exists = { And: [present, { Not: { Variable: variable, IsNull: true } }] };
      return value === false ? { Not: exists } : exists;
    }
    case 'eq':
      return { And: [present, equals(variable, value)] };
    case 'ne':
      return { Not: { And: [present, equals(variable, value)] } };
    case 'in':
      return { And: [present, { Or: (value as unknown[]).map((v) => equals(variable, v)) }] };
    case 'contains':
      return {
        And: [present, { Variable: variable, StringMatches: `*${String(value).replace(/[\\*]/g, '\\$&')}*` }],
      };
    default: {
      const kind = typeof value === 'number' ? 'Numeric' : 'String';
      const name = { gt: 'GreaterThan', gte: 'GreaterThanEquals', lt: 'LessThan', lte: 'LessThanEquals' }[
        op as 'gt'
      ];
      return { And: [present, { Variable: variable, [`${kind}${name}`]: value }] };
    }
  }
}

function equals(variable: string, value: unknown): Rule {
  if (value === null) return { Variable: variable, IsNull: true };
  if (typeof value === 'number') return { Variable: variable, NumericEquals: value };
  if (typeof value === 'boolean') return { Variable: variable, BooleanEquals: value };
  return { Variable: variable, StringEquals: String(value) };
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function first(problems: Array<string | null>): string | null {
  return problems.find((p) => p !== null) ?? null;
}
