// The step types whose steps compile to states of their own (a Choice, a Wait, a Map, a callback Task), each
// its compile.ts, without the step registry (and so without any schema); every other type compiles to the
// compiler's Task. A unit test holds this table alike to the registry's `compile`.
import { compile as branch } from './branch/compile';
import { compile as map } from './map/compile';
import { compile as review } from './review/compile';
import type { StepCompile } from './types';
import { compile as wait } from './wait/compile';

const stepCompilers: Record<string, StepCompile> = { review, branch, wait, map };

export function stepCompilerOf(type: string): StepCompile | undefined {
  return Object.hasOwn(stepCompilers, type) ? stepCompilers[type] : undefined;
}
