// Every step type, one entry each. A type is one folder (`shared/steps/<type>/`: its schema, description,
// example, price, defaults and compile rule in index.ts; for Lambda types the handler that runs it) plus its
// line here. The recipe schema, the compiler, pricing, the function tables, the CDK stacks, the local runtime,
// GET /v1/step-types and docs/recipe-reference.md all read this table.

import type { SettingName } from '../config';
import { ai } from './ai';
import { branch } from './branch';
import { correspond } from './correspond';
import { http } from './http';
import { map } from './map';
import { review } from './review';
import { score } from './score';
import { state } from './state';
import { transform } from './transform';
import type { StepTypeDefinition } from './types';
import { wait } from './wait';

/** Refuses an entry whose key is not its type, or a definition missing what every type must declare. */
function registry<const R extends { [K in keyof R]: StepTypeDefinition<K & string> }>(entries: R): R {
  return entries;
}

export const stepTypes = registry({
  http,
  ai,
  transform,
  score,
  state,
  correspond,
  review,
  branch,
  wait,
  map,
});

export type StepType = keyof typeof stepTypes;
export const stepTypeNames = Object.keys(stepTypes) as StepType[];

/** The step types that run their own Lambda function (`shared/steps/<type>/handler.ts`). */
export const lambdaStepTypes = stepTypeNames.filter((type) => stepTypes[type].kind !== 'control');

/** What each step type's function needs from its environment, by function name (`components/<type>`). */
export const stepFunctionSettings = Object.fromEntries(
  lambdaStepTypes.map((type) => [
    `components/${type}`,
    (stepTypes[type] as StepTypeDefinition).settings ?? [],
  ]),
) as Record<`components/${StepType}`, readonly SettingName[]>;

export function stepTypeOf(type: string): StepTypeDefinition | undefined {
  return Object.hasOwn(stepTypes, type) ? (stepTypes[type as StepType] as StepTypeDefinition) : undefined;
}

/** The module a function's handler lives in (from the project root): a step type's in its folder, others under functions/. */
export function handlerModule(name: string): string {
  const [group, type = ''] = name.split('/');
  const definition = stepTypeOf(type);
  return group === 'components' && definition && definition.kind !== 'control'
    ? `shared/steps/${type}/handler.ts`
    : `functions/${name}.ts`;
}
