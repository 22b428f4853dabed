// User patterns (`matches` conditions) run on RE2 (re2js): matching takes time linear in the subject, so no
// pattern can freeze a process the way a backtracking one (`^(a+)+$`) does with JavaScript's RegExp. Patterns
// are checked when a recipe is saved (RE2 syntax: no backreferences or lookaround) and both pattern and subject
// are bounded.
//
// re2js (147 KB, mostly Unicode tables) is required on first use, not imported: few recipes match patterns, so
// a function loads it only when one does (deployed beside the bundle, see infra/stacks/bundling.ts).
import type { RE2JS } from 're2js';
import { requireOnDemand } from '../on-demand';

export const MAX_PATTERN_LENGTH = 500;
/** Longer subjects do not match: a run's values are at most a few hundred KB, and this bounds the work. */
export const MAX_SUBJECT_LENGTH = 1_000_000;

const compiled = new Map<string, RE2JS>();
let engine: typeof RE2JS | undefined;

/** Why a pattern cannot be used, or undefined when it can. */
export function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string (a regular expression)';
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    return `is not a valid RE2 regular expression (${(error as Error).message.slice(0, 200)})`;
  }
}

/** True when the pattern matches anywhere in the subject. */
export function matchesPattern(pattern: string, subject: string): boolean {
  if (pattern.length > MAX_PATTERN_LENGTH || subject.length > MAX_SUBJECT_LENGTH) return false;
  return compile(pattern).test(subject);
}

function compile(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    engine ??= requireOnDemand<typeof import('re2js')>('re2js').RE2JS;
    re = engine.compile(pattern);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}
