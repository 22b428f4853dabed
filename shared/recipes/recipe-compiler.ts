// Recipe → Amazon States Language. A pure function: the same recipe and component ARNs give byte-identical ASL.
//
// Fused steps. A state transition and a Lambda invocation per step is most of what a short run costs, so
// steps that need nothing of their own from Step Functions share one Task state (a *group*, run by
// shared/components/group-runner.ts and still recorded step by step):
// - a step is *fusable* when its type says so (registry `fusable`: deterministic, no side effect — a
//   `transform`, a `score`, a `state` get), it has no retry policy and its onError is `fail` or `continue`
//   (both handled inside the group, as their Catch would);
// - a group is consecutive fusable steps, with at most one other Lambda task step (its *anchor*: an `http`,
//   an `ai`…) whose onError is `fail`; the group's Task has the anchor's retry policy and runs in the anchor's
//   function. Fusable steps before the anchor may run again when it is retried (harmless: they are
//   deterministic and charged once per step); steps after it run only at the top level, where their failure is
//   settled inside the invocation and never reaches the anchor's Retry, so no retry repeats a paid or
//   side-effecting step. Inside a map a group ends at its anchor;
// - a step something jumps to (a branch case, an onError goto) starts a group, so every target is a state;
// - Finalize joins the last group when it is all fusable (a failure there is settled in place; nothing in it
//   has an effect a retry could repeat), so such a run is one Task state and one invocation.
// Success path transitions = one per group and standalone step (review, wait, map, branch), plus Finalize
// unless it joined the last group.
import { createHash } from 'node:crypto';
import { stepCompilerOf } from '../steps/compilers';
import type { lambdaStepTypes } from '../steps/registry';
import { isFusable, stepRuntimeOf } from '../steps/runtimes';
import type { AslState, CompileContext, StepConfig } from '../steps/types';
import type { RecipeDefinition, RetryPolicy, Step } from './recipe-schema';

/** The platform's functions a state machine invokes: each Lambda step type's, and Finalize. */
export type ComponentName = (typeof lambdaStepTypes)[number] | 'finalize' | 'artifact-map';
export interface CompileOptions {
  componentArn: (component: ComponentName) => string;
}

export type { AslState };
export interface Asl {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

export const FINALIZE = 'Finalize';
export const RECORD_FAILURE = 'RecordFailure';
const FAILED = 'Failed';

// The transient Lambda service errors AWS recommends retrying on every lambda:invoke task.
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** Errors a step's own retry policy applies to; `StepRejected` (bad config, 4xx, blocked address) never retries. */
export const RETRYABLE_STEP_ERRORS = ['StepFailed', 'States.Timeout'];

/** A step type's default timeout and retry policy (the registry's, read without it). */
export function stepDefaults(type: string): { timeoutSeconds?: number; retry?: RetryPolicy } {
  return stepRuntimeOf(type)?.defaults ?? {};
}

export function compileRecipe(recipe: RecipeDefinition, options: CompileOptions): Asl {
  const states: Record<string, AslState> = {};
  const lastStep = recipe.steps.at(-1)?.id ?? null;
  const finalize = { output: recipe.output ?? null, lastStep };
  compileSequence(
    recipe.steps,
    {
      terminal: FINALIZE,
      failTarget: RECORD_FAILURE,
      finalize,
      targets: jumpTargets(recipe.steps),
      standard: chooseEngine(recipe) === 'STANDARD',
    },
    options,
    states,
  );
  // The execution ARN reaches the record here, with the final status, so the start needs no second write.
  states[FINALIZE] = lambdaTask(options.componentArn('finalize'), {
    outcome: 'succeeded',
    ...finalize,
    'state.$': '$',
    'executionArn.$': '$$.Execution.Id',
  });
  Object.assign(states[FINALIZE], { OutputPath: '$.Payload', End: true });
  states[RECORD_FAILURE] = lambdaTask(options.componentArn('finalize'), {
    outcome: 'failed',
    'state.$': '$',
    'executionArn.$': '$$.Execution.Id',
  });
  Object.assign(states[RECORD_FAILURE], { ResultPath: null, Next: FAILED });
  states[FAILED] = {
    Type: 'Fail',
    Error: 'RecipeFailed',
    Cause: 'A step failed; the execution record names it.',
  };
  // The service refuses a definition with unreachable states: Finalize when the last group ends the run
  // itself and nothing else goes there, the failure states when no step can fail (only branches and waits).
  for (const name of [FINALIZE, RECORD_FAILURE, FAILED]) {
    const others = JSON.stringify(Object.entries(states).filter(([other]) => other !== name));
    if (!new RegExp(`"(Next|Default)":"${name}"`).test(others)) delete states[name];
  }
  return { Comment: 'recipeflow recipe', StartAt: recipe.steps[0]!.id, States: states };
}

interface SequenceContext {
  /** Where the sequence ends (Finalize, or the end of a map iteration). */
  terminal: string;
  /** Where a failing step goes; null inside a map, where the failure ends the Map state itself. */
  failTarget: string | null;
  /** The top level: what Finalize resolves, so the last group can end the run itself. */
  finalize?: { output: unknown; lastStep: string | null };
  /** Step ids something jumps to: each starts a state of its own. */
  targets: ReadonlySet<string>;
  /** The run is a Standard workflow (the only kind that runs a Distributed Map). */
  standard: boolean;
}

function compileSequence(
  steps: Step[],
  context: SequenceContext,
  options: CompileOptions,
  states: Record<string, AslState>,
) {
  // States a step adds beside its own (a review's timeout approval) follow the sequence's own states.
  const extra: Record<string, AslState> = {};
  const groups = fuse(steps, context);
  groups.forEach((group, index) => {
    const next = groups[index + 1]?.[0]?.id ?? context.terminal;
    const last = index === groups.length - 1;
    const ends = last && context.finalize && group.every(isFusable) ? context.finalize : undefined;
    states[group[0]!.id] =
      group.length === 1 && !ends
        ? compileStep(group[0]!, next, context, options, extra)
        : groupState(group, next, context, options, ends);
  });
  Object.assign(states, extra);
}

/** A Lambda task step that may anchor a group: its failure is its Task's, and it ends the run. */
function isAnchor(step: Step): boolean {
  return stepRuntimeOf(step.type)?.kind === 'task' && !isFusable(step) && (step.onError ?? 'fail') === 'fail';
}

/** The sequence cut into groups, in order (see "Fused steps" above); a group of one is a plain step. */
export function fuse(steps: Step[], context: Pick<SequenceContext, 'targets' | 'finalize'>): Step[][] {
  const groups: Step[][] = [];
  let current: Step[] = [];
  const close = () => {
    if (current.length) groups.push(current);
    current = [];
  };
  steps.forEach((step, index) => {
    if (context.targets.has(step.id)) close();
    const anchored = current.some((s) => !isFusable(s));
    if (isFusable(step)) {
      // After an anchor only at the top level; and a fusable tail is left to join Finalize instead.
      const tailJoinsFinalize = context.finalize && steps.slice(index).every(isFusable);
      if (anchored && (!context.finalize || tailJoinsFinalize)) close();
      current.push(step);
    } else if (isAnchor(step) && !anchored) {
      current.push(step);
    } else {
      close();
      if (isAnchor(step)) current.push(step);
      else groups.push([step]);
    }
  });
  close();
  return groups;
}

/** Step ids a branch case, a branch default or an onError goto names, at any depth. */
function jumpTargets(steps: Step[], into = new Set<string>()): Set<string> {
  for (const step of steps) {
    const config = step as unknown as StepConfig;
    if (typeof config.onError === 'object') into.add(config.onError.goto);
    for (const c of (config.cases ?? []) as Array<{ goto: string }>) into.add(c.goto);
    if (typeof config.default === 'string') into.add(config.default);
    if (Array.isArray(config.steps)) jumpTargets(config.steps as Step[], into);
  }
  return into;
}

/**
 * One Task for a group: the anchor's function (Finalize's when the group ends the run, else the first step
 * type's), the anchor's retry policy, the steps' timeouts added up. It returns the run's state with the
 * group's outputs (or, ending the run, its output).
 */
function groupState(
  group: Step[],
  next: string,
  context: SequenceContext,
  options: CompileOptions,
  finalize: SequenceContext['finalize'],
): AslState {
  const anchor = group.find((step) => !isFusable(step));
  const settles = context.failTarget !== null;
  const component = (anchor?.type ?? (finalize ? 'finalize' : group[0]!.type)) as ComponentName;
  const task = lambdaTask(options.componentArn(component), {
    group,
    'state.$': '$',
    'attempt.$': '$$.State.RetryCount',
    ...(settles ? { settles: true, 'executionArn.$': '$$.Execution.Id' } : {}),
    ...(finalize ? { finalize } : {}),
  });
  const policy = anchor && (anchor.retry ?? stepDefaults(anchor.type).retry);
  if (policy && policy.maxAttempts > 1) (task.Retry as AslState[]).push(stepRetrier(policy));
  const timeout = group.reduce(
    (sum, step) => sum + (step.timeoutSeconds ?? stepDefaults(step.type).timeoutSeconds ?? 60),
    0,
  );
  // What escapes the group: the anchor's failure, or the function itself failing; either fails the run.
  const key = (anchor ?? group[0]!).id;
  const catchers = [
    ...(settles ? [{ ErrorEquals: ['RunSettled'], ResultPath: null, Next: FAILED }] : []),
    ...(context.failTarget
      ? [{ ErrorEquals: ['States.ALL'], ResultPath: `$.failures.${key}`, Next: context.failTarget }]
      : []),
  ];
  return {
    ...task,
    TimeoutSeconds: timeout,
    OutputPath: '$.Payload',
    ...(catchers.length ? { Catch: catchers } : {}),
    ...(finalize ? { End: true } : { Next: next }),
  };
}

function compileStep(
  step: Step,
  next: string,
  context: SequenceContext,
  options: CompileOptions,
  extra: Record<string, AslState>,
): AslState {
  if (!stepRuntimeOf(step.type)) throw new Error(`no step type ${step.type}`);
  const config = step as unknown as StepConfig;
  const compileContext: CompileContext = {
    task: (s) => taskState(s as unknown as Step, next, context, options),
    batchFunction: (steps) => {
      if (steps.some((s) => stepRuntimeOf(s.type)?.kind !== 'task')) return null;
      const others = steps.filter((s) => stepRuntimeOf(s.type)?.fusable?.(s) !== true);
      return others.length > 1 ? null : (others[0]?.type ?? 'finalize');
    },
    standard: context.standard,
    lambdaTask: (component, payload) => lambdaTask(options.componentArn(component as ComponentName), payload),
    catcher: (s) => catcher(s as unknown as Step, next, context),
    target: (id) => (id === 'end' ? context.terminal : id),
    sequence: (steps, terminal, states) =>
      compileSequence(
        steps as unknown as Step[],
        { terminal, failTarget: null, targets: context.targets, standard: context.standard },
        options,
        states,
      ),
    addState: (name, state) => {
      extra[name] = state;
    },
  };
  const compile = stepCompilerOf(step.type);
  return compile ? compile(config, next, compileContext) : compileContext.task(config);
}

/** A task type's state: its Lambda, with the step's retry policy, timeout and error handling. */
function taskState(step: Step, next: string, context: SequenceContext, options: CompileOptions): AslState {
  const task = lambdaTask(options.componentArn(step.type as ComponentName), {
    step,
    'state.$': '$',
    'attempt.$': '$$.State.RetryCount',
  });
  const defaults = stepDefaults(step.type);
  const policy = step.retry ?? defaults.retry;
  const retry = task.Retry as AslState[];
  if (policy && policy.maxAttempts > 1) retry.push(stepRetrier(policy));
  const catchers = catcher(step, next, context);
  return {
    ...task,
    ResultSelector: { 'output.$': '$.Payload.output' },
    ResultPath: `$.steps.${step.id}`,
    TimeoutSeconds: step.timeoutSeconds ?? defaults.timeoutSeconds,
    ...(catchers ? { Catch: catchers } : {}),
    Next: next,
  };
}

function lambdaTask(functionArn: string, payload: Record<string, unknown>): AslState {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, Payload: payload },
    Retry: [
      {
        ErrorEquals: LAMBDA_TRANSIENT_ERRORS,
        IntervalSeconds: 1,
        MaxAttempts: 3,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      },
    ],
  };
}

function stepRetrier(policy: RetryPolicy): AslState {
  return {
    ErrorEquals: RETRYABLE_STEP_ERRORS,
    IntervalSeconds: policy.intervalSeconds,
    MaxAttempts: policy.maxAttempts - 1,
    BackoffRate: policy.backoffRate,
    ...(policy.maxDelaySeconds ? { MaxDelaySeconds: policy.maxDelaySeconds } : {}),
    JitterStrategy: policy.jitter === 'full' ? 'FULL' : 'NONE',
  };
}

function catcher(step: Step, next: string, context: SequenceContext): AslState[] | null {
  const onError = step.onError ?? 'fail';
  if (onError === 'fail') {
    if (!context.failTarget) return null;
    return [{ ErrorEquals: ['States.ALL'], ResultPath: `$.failures.${step.id}`, Next: context.failTarget }];
  }
  const target = onError === 'continue' ? next : onError.goto === 'end' ? context.terminal : onError.goto;
  return [{ ErrorEquals: ['States.ALL'], ResultPath: `$.steps.${step.id}.error`, Next: target }];
}

/** Express when nothing can pause the run and it fits Express's 5-minute limit; Standard otherwise. */
export function chooseEngine(recipe: RecipeDefinition): 'STANDARD' | 'EXPRESS' {
  if (recipe.mode !== 'auto') return recipe.mode === 'express' ? 'EXPRESS' : 'STANDARD';
  // A pause is billed by the second on Express, free on Standard; a map's length is only known at run time.
  if (recipe.steps.some((step) => stepRuntimeOf(step.type)?.pauses)) return 'STANDARD';
  return worstCaseSeconds(recipe.steps) <= EXPRESS_MAX_SECONDS ? 'EXPRESS' : 'STANDARD';
}

/** Step Functions stops an Express run after five minutes. */
export const EXPRESS_MAX_SECONDS = 300;

/**
 * The longest a sequence can run: every attempt of every step to its timeout, retries included, a map's items
 * in rounds of its concurrency. Infinity when it can pause for a person or until a time (review, wait until).
 */
export function worstCaseSeconds(steps: Step[]): number {
  let total = 0;
  for (const step of steps) {
    const runtime = stepRuntimeOf(step.type);
    if (runtime?.worstCaseSeconds) {
      total += runtime.worstCaseSeconds(step as unknown as StepConfig, (inner) =>
        worstCaseSeconds(inner as unknown as Step[]),
      );
      continue;
    }
    const defaults = stepDefaults(step.type);
    const attempts = (step.retry ?? defaults.retry)?.maxAttempts ?? 1;
    total += (step.timeoutSeconds ?? defaults.timeoutSeconds ?? 60) * attempts;
  }
  return total;
}

/** State machines are named by a hash of their definition and type, so identical recipes share one. */
export function stateMachineName(asl: Asl, engine: string): string {
  const digest = createHash('sha256').update(engine).update(JSON.stringify(asl)).digest('hex');
  return `recipeflow-${digest.slice(0, 40)}`;
}

/**
 * The same definition started at `stepId`, keeping only the states reachable from there: what a redrive runs,
 * so the steps that succeeded before the failure are not run again.
 */
export function resumeFrom(asl: Asl, at: string): Asl {
  // A step inside a fused group resumes at its group, which skips the steps the saved state already has.
  const group = Object.entries(asl.States).find(([, state]) =>
    groupOf(state)?.some((step) => step.id === at),
  );
  const stepId = asl.States[at] ? at : group?.[0];
  if (!stepId) throw new Error(`no state ${at}`);
  const reachable = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || reachable.has(name) || !asl.States[name]) return;
    reachable.add(name);
    const state = asl.States[name]!;
    visit(state.Next as string | undefined);
    visit(state.Default as string | undefined);
    for (const choice of (state.Choices ?? []) as Array<{ Next: string }>) visit(choice.Next);
    for (const handler of (state.Catch ?? []) as Array<{ Next: string }>) visit(handler.Next);
  };
  visit(stepId);
  const states = Object.fromEntries(Object.entries(asl.States).filter(([name]) => reachable.has(name)));
  if (groupOf(states[stepId]!)) {
    const start = states[stepId] as { Parameters: { Payload: Record<string, unknown> } };
    states[stepId] = {
      ...start,
      Parameters: { ...start.Parameters, Payload: { ...start.Parameters.Payload, skipDone: true } },
    };
  }
  return { Comment: asl.Comment, StartAt: stepId, States: states };
}

/** The steps of a fused group's Task state, or undefined for any other state. */
export function groupOf(state: AslState): Step[] | undefined {
  const payload = (state.Parameters as { Payload?: { group?: Step[] } } | undefined)?.Payload;
  return payload?.group;
}
