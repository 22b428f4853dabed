// What a step type declares about itself (see registry.ts): the one place the recipe schema, the compiler,
// pricing, the function tables, the CDK stacks, the local runtime, GET /v1/step-types and the docs read.
import type { $ZodType } from 'zod/v4/core';
import type { SettingName } from '../config';
import type { RetryPolicy } from './base';

export type AslState = Record<string, unknown>;

/** What the compiler lends a step type's `compile`: the shared pieces of every state. */
export interface CompileContext {
  /** The Task state that runs a task type's Lambda with its retry policy, timeout and error handling. */
  task: (step: StepConfig) => AslState;
  /**
   * The function that runs these steps for each item of a batch (a map over an artifact): the one step's whose
   * type is not fusable, else Finalize's, which runs the fusable types; null when they cannot run as a batch
   * (a step that is not a Lambda task, or two that are not fusable).
   */
  batchFunction: (steps: StepConfig[]) => string | null;
  /** The recipe runs as a Standard workflow, the only kind that runs a Distributed Map. */
  standard: boolean;
  /** A lambda:invoke Task on one of the platform's functions, with the transient-error retrier. */
  lambdaTask: (component: string, payload: Record<string, unknown>) => AslState;
  /** The Catch of a step (its onError), or null when a failure ends the map/run without one. */
  catcher: (step: StepConfig) => AslState[] | null;
  /** A goto target: `end` is the end of the current sequence. */
  target: (id: string) => string;
  /** Compiles nested steps into `states`, ending at `terminal` (a map's iteration). */
  sequence: (steps: StepConfig[], terminal: string, states: Record<string, AslState>) => void;
  /** Extra states the compiled step needs beside its own (for example a review's timeout approval). */
  addState: (name: string, state: AslState) => void;
}

/** A step type's timeout and retry policy, where a step sets none. */
export interface StepDefaults {
  retry?: RetryPolicy;
  timeoutSeconds?: number;
}

/** How a step of a type compiles to its own states (task types default to `context.task(step)`). */
export type StepCompile = (step: StepConfig, next: string, context: CompileContext) => AslState;

/** A step as a recipe gives it, once parsed by its type's schema. */
export interface StepConfig {
  id: string;
  type: string;
  retry?: RetryPolicy;
  timeoutSeconds?: number;
  onError?: 'fail' | 'continue' | { goto: string };
  [field: string]: unknown;
}

export interface StepTypeDefinition<T extends string = string> {
  type: T;
  /** One sentence for editors and the docs. */
  description: string;
  /**
   * `task`: runs its own Lambda (`shared/steps/<type>/handler.ts`) and records a step; `callback`: a Lambda
   * that hands out a task token and waits for it; `control`: compiles to Step Functions states only.
   */
  kind: 'task' | 'callback' | 'control';
  schema: $ZodType;
  /** A complete, valid step of this type. */
  example: Record<string, unknown>;
  /** Credits per attempt of the step (inside a map, per item). */
  price: number;
  defaults: StepDefaults;
  /** Lambda types: the settings their function needs (besides TABLE_NAME and RECIPEFLOW_RUNTIME). */
  settings?: readonly SettingName[];
  /** Lambda types: the function's own timeout when it must outlast the default 60 s (an `ai` call). */
  functionTimeoutSeconds?: number;
  /** Lambda types that open a tenant credential (their role may decrypt credential data keys). */
  opensCredentials?: boolean;
  /** Can pause a run (a person, a time, a map's unknown length): `auto` recipes then run on Standard. */
  pauses?: boolean;
  /**
   * Task types whose step needs nothing of its own from Step Functions: deterministic, no side effect, fast
   * (a `transform`, a `score`, a `state` get). The compiler runs such a step in the same Task invocation as
   * its neighbours (see recipe-compiler.ts, "Fused steps"); only when it also has no retry policy and no
   * `onError` goto. The rule lives in the type's runtime.ts (steps/runtimes.ts reads it without the
   * registry); its handler's component must be in shared/steps/fused-components.ts.
   */
  fusable?: (step: StepConfig) => boolean;
  /** How the step compiles; task types default to `context.task(step)`. */
  compile?: StepCompile;
  /** The longest the step can run, in seconds (Infinity when it waits for a person or a time). */
  worstCaseSeconds?: (step: StepConfig, nested: (steps: StepConfig[]) => number) => number;
}
