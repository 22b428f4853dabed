// Recipe → Amazon States Language. A pure function: the same recipe and component ARNs give byte-identical ASL.
// Success path transitions = one per step + one Finalize; nothing else runs unless a step fails.
import { createHash } from 'node:crypto';
import { type lambdaStepTypes, stepTypeOf } from '../steps/registry';
import type { AslState, CompileContext, StepConfig } from '../steps/types';
import type { RecipeDefinition, RetryPolicy, Step } from './recipe-schema';

/** The platform's functions a state machine invokes: each Lambda step type's, and Finalize. */
export type ComponentName = (typeof lambdaStepTypes)[number] | 'finalize';
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

/** A step type's default timeout and retry policy, from the registry. */
export function stepDefaults(type: string): { timeoutSeconds?: number; retry?: RetryPolicy } {
  return stepTypeOf(type)?.defaults ?? {};
}

export function compileRecipe(recipe: RecipeDefinition, options: CompileOptions): Asl {
  const states: Record<string, AslState> = {};
  compileSequence(recipe.steps, { terminal: FINALIZE, failTarget: RECORD_FAILURE }, options, states);
  const lastStep = recipe.steps.at(-1)?.id ?? null;
  // The execution ARN reaches the record here, with the final status, so the start needs no second write.
  states[FINALIZE] = lambdaTask(options.componentArn('finalize'), {
    outcome: 'succeeded',
    output: recipe.output ?? null,
    lastStep,
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
  // A recipe with no step that can fail (only branches and waits) has no way to its failure states, and the
  // service refuses a definition with unreachable states.
  if (!JSON.stringify(Object.values(states)).includes(`"Next":"${RECORD_FAILURE}"`)) {
    delete states[RECORD_FAILURE];
    delete states[FAILED];
  }
  return { Comment: 'recipeflow recipe', StartAt: recipe.steps[0]!.id, States: states };
}

interface SequenceContext {
  /** Where the sequence ends (Finalize, or the end of a map iteration). */
  terminal: string;
  /** Where a failing step goes; null inside a map, where the failure ends the Map state itself. */
  failTarget: string | null;
}

function compileSequence(
  steps: Step[],
  context: SequenceContext,
  options: CompileOptions,
  states: Record<string, AslState>,
) {
  // States a step adds beside its own (a review's timeout approval) follow the sequence's own states.
  const extra: Record<string, AslState> = {};
  steps.forEach((step, index) => {
    const next = steps[index + 1]?.id ?? context.terminal;
    states[step.id] = compileStep(step, next, context, options, extra);
  });
  Object.assign(states, extra);
}

function compileStep(
  step: Step,
  next: string,
  context: SequenceContext,
  options: CompileOptions,
  extra: Record<string, AslState>,
): AslState {
  const definition = stepTypeOf(step.type);
  if (!definition) throw new Error(`no step type ${step.type}`);
  const config = step as unknown as StepConfig;
  const compileContext: CompileContext = {
    task: (s) => taskState(s as unknown as Step, next, context, options),
    lambdaTask: (component, payload) => lambdaTask(options.componentArn(component as ComponentName), payload),
    catcher: (s) => catcher(s as unknown as Step, next, context),
    target: (id) => (id === 'end' ? context.terminal : id),
    sequence: (steps, terminal, states) =>
      compileSequence(steps as unknown as Step[], { terminal, failTarget: null }, options, states),
    addState: (name, state) => {
      extra[name] = state;
    },
  };
  return definition.compile ? definition.compile(config, next, compileContext) : compileContext.task(config);
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
  if (recipe.steps.some((step) => stepTypeOf(step.type)?.pauses)) return 'STANDARD';
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
    const definition = stepTypeOf(step.type);
    if (definition?.worstCaseSeconds) {
      total += definition.worstCaseSeconds(step as unknown as StepConfig, (inner) =>
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
export function resumeFrom(asl: Asl, stepId: string): Asl {
  if (!asl.States[stepId]) throw new Error(`no state ${stepId}`);
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
  return {
    Comment: asl.Comment,
    StartAt: stepId,
    States: Object.fromEntries(Object.entries(asl.States).filter(([name]) => reachable.has(name))),
  };
}
