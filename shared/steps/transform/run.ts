// The `transform` component: declarative data ops over the resolved source; no code execution.

import { StepRejected } from '../../components/step-errors';
import { evaluateCondition } from '../../recipes/condition';
import type { TransformOp, TransformStep } from '../../recipes/recipe-schema';
import { parsePath, readPath, resolveTemplates } from '../../recipes/template';

export function runTransform(step: TransformStep, scope: Record<string, unknown>): unknown {
  let value = resolveTemplates(step.source, scope);
  step.ops.forEach((op, index) => {
    value = applyOp(op, value, scope, `ops[${index}] (${op.op})`);
  });
  return value;
}

function applyOp(op: TransformOp, value: unknown, scope: Record<string, unknown>, at: string): unknown {
  if (op.op === 'pick' && !Array.isArray(value)) return pickFields(value, op.fields);
  const items = asArray(value, at);
  switch (op.op) {
    case 'pick':
      return items.map((item) => pickFields(item, op.fields));
    case 'map':
      return items.map((item) => resolveTemplates(op.to, { ...scope, item }));
    case 'filter':
      return items.filter((item) => evaluateCondition(op.when, { ...scope, item }));
    case 'dedupe': {
      const seen = new Set<string>();
      return items.filter((item) => {
        const key = JSON.stringify(op.by ? readPath(item, op.by) : item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    case 'sort': {
      const direction = op.order === 'desc' ? -1 : 1;
      return [...items].sort((a, b) => compareValues(readPath(a, op.by), readPath(b, op.by), direction));
    }
    case 'limit':
      return items.slice(0, op.count);
    case 'flatten':
      return items.flat(op.depth);
  }
}

function asArray(value: unknown, at: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new StepRejected(`${at} needs an array but got ${value === null ? 'null' : typeof value}`);
}

function pickFields(value: unknown, fields: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const found = readPath(value, field);
    if (found !== undefined) picked[parsePath(field).at(-1) ?? field] = found;
  }
  return picked;
}

// Missing values sort last in either direction; numbers before strings; otherwise natural order.
function compareValues(a: unknown, b: unknown, direction: number): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return direction * (a - b);
  if (typeof a === 'number') return -direction;
  if (typeof b === 'number') return direction;
  return direction * String(a).localeCompare(String(b));
}
